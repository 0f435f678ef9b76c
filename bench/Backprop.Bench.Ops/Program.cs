using BenchmarkDotNet.Running;

// Per-op micro-benchmarks. Run by hand, in Release:
//   dotnet run -c Release --project bench/Backprop.Bench.Ops -- --filter '*'            (the default job: minutes per benchmark)
//   dotnet run -c Release --project bench/Backprop.Bench.Ops -- --filter '*' --job short (quicker, noisier)
//   dotnet run -c Release --project bench/Backprop.Bench.Ops -- --filter '*Tiny*'       (one class)
BenchmarkSwitcher.FromAssembly(typeof(Backprop.Bench.Ops.TinyOpBenchmarks).Assembly).Run(args);
