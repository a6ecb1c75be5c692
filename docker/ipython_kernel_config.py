# IPython kernel settings for IpyBox.AI sandboxes (installed as /etc/ipython/ipython_kernel_config.py).
# Each setting below was measured on a 2-core machine; docs/benchmarks.md has the figures.
import ipykernel.iostream

c = get_config()  # noqa: F821

# Keep the history in memory: In, Out, _ and %history work as usual within the kernel's session, but no cell waits
# for a SQLite write on disk (about 0.7 ms each) and the kernel needs no writable history file in the home folder.
c.HistoryManager.hist_file = ":memory:"

# ipykernel sleeps 0.5 ms after every execution so that outputs leave before the reply; IpyBox.AI's client waits for
# both the reply and the kernel's idle status, so the order does not matter to it.
c.IPythonKernel._execute_sleep = 0.0

# stdout and stderr are sent every 0.2 s by default, so a plain print reached the caller about 50 ms late on average.
# Flushing every 10 ms delivers it at once; a cell that prints in a tight loop still sends at most 100 messages/s.
ipykernel.iostream.OutStream.flush_interval = 0.01
