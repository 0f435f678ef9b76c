using Backprop.Soak;

// dotnet run -c Release --project bench/Backprop.Soak -- [--steps 50000] [--from 2000] [--every 1000] [--tolerance 0.1]
// Trains a 784-256-10 MLP (batch 64, SGD) on random data and samples the process's resident memory; exits 1 when a
// sample from step --from on is more than --tolerance away from the sample at --from. See docs/reliability.md.
return SoakCommand.Run(args, Console.Out, Console.Error);
