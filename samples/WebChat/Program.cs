// A web chat on any IChatClient: each browser session is a conversation with a sandbox of its own. Cell output streams
// into the page while the cell runs, plots appear as they are drawn, files go up and down, code and host-tool calls wait
// for the user's approval, and the conversation exports as a notebook. With OPENAI_API_KEY or OPENAI_BASE_URL set it
// chats with that model; without, a demo model plays a short analysis through the same pipeline.
//
//   dotnet run --project samples/WebChat      then open http://localhost:5000
await WebChatApp.Build(args).RunAsync();
