using RangeOrleans.Cli;

return RangeCommandLine.Run(args);
