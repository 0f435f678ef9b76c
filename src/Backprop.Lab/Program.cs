using Backprop.Lab;

// The lab: each experiment reproduces one of the seed exercises and prints a human report.
// For now there is one experiment; the lab issue adds the rest, their options and --json.
string experiment = args.Length > 0 ? args[0] : TwoLayerNetwork.Name;

switch (experiment)
{
    case TwoLayerNetwork.Name:
        TwoLayerNetwork.Run(Console.Out);
        return 0;
    default:
        Console.Error.WriteLine($"unknown experiment '{experiment}'; available: {TwoLayerNetwork.Name}");
        return 2;
}
