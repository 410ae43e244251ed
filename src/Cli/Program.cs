using CorralOS.Cli;

return Dispatcher.Run(InvokedName.Read(), args);
