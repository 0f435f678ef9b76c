using Backprop.Lab.Cli;

// The lab: `dotnet run --project src/Backprop.Lab -- <experiment> [options] [--json]`; see docs/lab.md.
return LabCommandLine.Run(args, Console.Out, Console.Error);
