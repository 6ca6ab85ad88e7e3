using Integrations.Esb.Cli;

return await EsbCommand.RunAsync(args);
