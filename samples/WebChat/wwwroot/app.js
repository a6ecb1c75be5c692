// The page of one conversation: it renders the server's events (replayed on load) and sends the user's messages,
// approvals and files. Everything that came from the sandbox or the model is shown as text, never as markup.
'use strict';

const log = document.getElementById('log');
const calls = new Map();
let currentCall = null;
let currentAnswer = null;

// Terminal colours and other control characters from a cell are shown as nothing rather than interpreted.
function clean(text) {
  return String(text)
    .replace(/\x1b\[[0-?]*[ -\/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)?/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = clean(text);
  return node;
}

function add(node) {
  log.appendChild(node);
  node.scrollIntoView({ block: 'end' });
  return node;
}

function bubble(kind, text) {
  currentAnswer = null;
  return add(element('div', `bubble ${kind}`, text));
}

function callFor(id, name, code) {
  let call = calls.get(id);
  if (!call) {
    call = element('div', 'call');
    call.dataset.callId = id;
    const title = element('div', 'title');
    title.append(element('span', 'name', name), element('span', 'status', ''));
    call.append(title, element('pre', 'code', code), element('div', 'output'));
    calls.set(id, call);
    add(call);
  }
  return call;
}

function setStatus(call, status) {
  call.dataset.status = status;
  call.querySelector('.status').textContent = status.replace('-', ' ');
}

function outputOf(call) {
  return (call ?? callFor('orphan', 'output', '')).querySelector('.output');
}

function approvalBox(id, title, code, inside) {
  const box = element('div', 'approval');
  box.dataset.approvalId = id;
  box.append(element('div', 'question', title));
  if (code) box.append(element('pre', 'detail', code));
  const approve = element('button', 'approve', 'Approve');
  const decline = element('button', 'decline', 'Decline');
  approve.type = decline.type = 'button';
  approve.onclick = () => answer(id, true);
  decline.onclick = () => answer(id, false);
  box.append(approve, decline);
  if (inside?.classList.contains('call')) inside.insertBefore(box, inside.querySelector('.output'));
  else (inside ?? log).appendChild(box);
  box.scrollIntoView({ block: 'end' });
}

async function answer(id, approved) {
  document.querySelectorAll(`[data-approval-id="${CSS.escape(id)}"] button`).forEach(b => b.disabled = true);
  await post(`/api/approvals/${encodeURIComponent(id)}`, { approved });
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok && response.status !== 204) bubble('failure', `${response.status}: ${await response.text()}`);
}

const handlers = {
  'user': d => bubble('user', d.text),
  'text': d => {
    if (!currentAnswer) currentAnswer = add(element('div', 'bubble assistant', ''));
    currentAnswer.textContent += clean(d.text);
  },
  'approval': d => {
    if (d.kind === 'code') {
      const call = callFor(d.callId, d.name, d.code);
      setStatus(call, 'awaiting-approval');
      call.dataset.approvalId = d.id;
      approvalBox(d.id, `Run this ${d.name === 'install_packages' ? 'installation' : 'code'} in the sandbox?`, null, call);
    } else {
      approvalBox(d.id, `The code calls the host tool ${d.name} with:`, d.code, currentCall?.querySelector('.output'));
    }
    currentAnswer = null;
  },
  'approval-answered': d => {
    document.querySelectorAll(`.approval[data-approval-id="${CSS.escape(d.id)}"]`).forEach(box => {
      box.querySelectorAll('button').forEach(b => b.remove());
      box.append(element('strong', 'answer', d.approved ? 'Approved' : 'Declined'));
    });
    const call = document.querySelector(`.call[data-approval-id="${CSS.escape(d.id)}"]`);
    if (call && !d.approved) setStatus(call, 'declined');
  },
  'call-start': d => {
    currentCall = callFor(d.id, d.name, d.code);
    setStatus(currentCall, 'running');
    currentAnswer = null;
  },
  'output': d => outputOf(currentCall).appendChild(element('span', d.stream, d.text)),
  'image': d => {
    const image = element('img', 'plot');
    image.alt = `plot (${d.width}×${d.height})`;
    image.dataset.width = d.width;
    image.dataset.height = d.height;
    image.src = `data:${d.mediaType};base64,${d.data}`;
    outputOf(currentCall).appendChild(image);
    image.scrollIntoView({ block: 'end' });
  },
  'cell-error': d => outputOf(currentCall).appendChild(element('pre', 'cell-error', `${d.name}: ${d.value}\n${d.trace}`)),
  'clear-output': () => outputOf(currentCall).replaceChildren(),
  'call-end': d => {
    const call = calls.get(d.id);
    if (call && call.dataset.status !== 'declined') setStatus(call, 'done');
    if (call) call.title = clean(d.text);
  },
  'sandbox': () => refreshState(),
  'file': () => refreshFiles(),
  'notice': d => bubble('notice', d.text),
  'failure': d => bubble('failure', d.message),
  'turn-start': () => setBusy(true),
  'turn-end': () => { setBusy(false); currentCall = null; currentAnswer = null; refreshFiles(); refreshState(); },
};

function setBusy(busy) {
  document.body.dataset.busy = busy;
  document.getElementById('send').disabled = busy;
  document.getElementById('stop').disabled = !busy;
}

async function refreshState() {
  const state = await (await fetch('/api/state')).json();
  document.getElementById('model').textContent = state.model;
  document.getElementById('demo-banner').hidden = !state.demo;
  const sandbox = document.getElementById('sandbox-id');
  sandbox.textContent = state.sandboxId ? `${state.sandboxId.slice(0, 12)}${state.durable ? ' (durable)' : ''}` : 'not started yet';
  sandbox.title = state.sandboxId ?? '';
  document.getElementById('pool').textContent = state.pool ? `${state.pool.warm} warm, ${state.pool.starting} starting, ${state.pool.inUse} in use` : 'off';
  document.getElementById('approval-mode').textContent = state.requireApproval ? 'after your approval' : 'without asking';
}

async function refreshFiles() {
  const files = await (await fetch('/api/files')).json();
  const list = document.getElementById('files');
  list.replaceChildren(...files.map(f => {
    const link = element('a', 'file', f.path);
    link.href = `/api/files/download?path=${encodeURIComponent(f.path)}`;
    link.download = f.path.split('/').pop();
    const item = element('li');
    item.append(link, ` (${f.size} bytes)`);
    return item;
  }));
}

document.getElementById('composer').addEventListener('submit', async e => {
  e.preventDefault();
  const box = document.getElementById('message');
  const text = box.value.trim();
  if (!text) return;
  box.value = '';
  await post('/api/messages', { text });
});

document.getElementById('message').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    document.getElementById('composer').requestSubmit();
  }
});

document.getElementById('stop').addEventListener('click', () => post('/api/stop', {}));

document.getElementById('upload-form').addEventListener('submit', async e => {
  e.preventDefault();
  const input = document.getElementById('upload');
  if (!input.files.length) return;
  const form = new FormData();
  form.append('file', input.files[0]);
  const response = await fetch('/api/files', { method: 'POST', body: form });
  if (!response.ok) bubble('failure', `upload failed: ${response.status} ${await response.text()}`);
  input.value = '';
});

const events = new EventSource('/api/events');
for (const [type, handle] of Object.entries(handlers)) {
  events.addEventListener(type, e => handle(JSON.parse(e.data)));
}

refreshState();
refreshFiles();
