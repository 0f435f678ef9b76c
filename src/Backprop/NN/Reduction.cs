namespace Backprop.NN;

/// <summary>How a loss reduces its per-element values; like the reduction argument of torch.nn losses ('none', 'mean', 'sum').</summary>
public enum Reduction
{
    /// <summary>No reduction: one loss per element (per sample for the classification losses); like reduction='none'.</summary>
    None,

    /// <summary>The mean (a weighted mean for the class-weighted losses); like reduction='mean', the default.</summary>
    Mean,

    /// <summary>The sum; like reduction='sum'.</summary>
    Sum,

    /// <summary>The sum divided by the batch size (the input's first dim); only <see cref="KLDivLoss"/> takes it; like reduction='batchmean'.</summary>
    BatchMean,
}

/// <summary>Applies a <see cref="Reduction"/>; the one place the losses reduce.</summary>
internal static class Reductions
{
    /// <summary>Fails, as torch does for 'batchmean', when a loss other than KL divergence is given BatchMean.</summary>
    public static void Check(string op, Reduction reduction)
    {
        if (reduction is not (Reduction.None or Reduction.Mean or Reduction.Sum))
            throw new ArgumentException($"{op}: {Name(reduction)} is not a valid value for reduction (BatchMean is for KLDivLoss only)");
    }

    /// <summary>The reduced loss: as is, its mean, or its sum (like torch's apply_loss_reduction).</summary>
    public static Tensor Apply(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => throw new ArgumentException($"{Name(reduction)} is not a valid value for reduction"),
    };

    public static string Name(Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Mean => "mean",
        Reduction.Sum => "sum",
        Reduction.BatchMean => "batchmean",
        _ => ((int)reduction).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
