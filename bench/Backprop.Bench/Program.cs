using Backprop.Bench;

// dotnet run -c Release --project bench/Backprop.Bench -- [--quick] [--only a,b] [--threads N] [--json]
//     [--compare PEER=FILE[,FILE...]]... [--results FILE]
// See BenchOptions for the flags and docs/performance.md for how the numbers are taken side by side with the peers.
return BenchCommand.Run(args, Console.Out, Console.Error);
