namespace Backprop.Optim;

/// <summary>
/// Sets each group's learning rate to its initial one times a function of the epoch: η = η₀·λ(epoch), one function
/// for every group or one per group. The functions are not part of the state dict, as in PyTorch.
/// Like torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch).
/// </summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double>[] _lambdas;

    /// <summary>One function for every group.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), optimizer?.ParamGroups.Count ?? 0).ToArray(), lastEpoch) { }

    /// <summary>One function per group, in the groups' order.</summary>
    public LambdaLR(Optimizer optimizer, Func<int, double>[] lrLambdas, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(lrLambdas);
        if (lrLambdas.Length != optimizer.ParamGroups.Count)
            throw new ArgumentException($"LambdaLR: Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Length}");
        _lambdas = lrLambdas;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr() => BaseLrs.Select((b, i) => b * _lambdas[i](LastEpoch)).ToArray();
}
