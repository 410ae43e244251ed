using CorralOS.Cli;
using CorralOS.Linux;

StandardStreams.EnsureOpen();
return Dispatcher.Run(InvokedName.Read(), args);
