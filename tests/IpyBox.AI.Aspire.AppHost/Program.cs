var builder = DistributedApplication.CreateBuilder(args);

builder.AddIpyBoxJupyterServer("ipybox");

builder.Build().Run();
