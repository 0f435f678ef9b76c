namespace Backprop.Optim;

/// <summary>
/// Cosine annealing with warm restarts (SGDR): η = ηmin + (η₀ − ηmin)(1 + cos(π·T_cur/T_i))/2, where T_cur counts
/// the epochs since the last restart and the period T_i starts at tZero and is multiplied by tMult at each restart.
/// Like torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (stepped without an epoch argument).
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    /// <summary>Restarts every tZero epochs, the period growing by tMult; like CosineAnnealingWarmRestarts(optimizer, T_0, T_mult, eta_min, last_epoch).</summary>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int tZero, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tZero <= 0) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected positive integer T_0, but got {tZero}");
        if (tMult < 1) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got {tMult}");
        TZero = tZero;
        TMult = tMult;
        EtaMin = etaMin;
        TI = tZero;
        TCur = lastEpoch;
        InitialStep();
    }

    /// <summary>The first period; like scheduler.T_0.</summary>
    public int TZero { get; }

    /// <summary>The factor of the period at each restart; like scheduler.T_mult.</summary>
    public int TMult { get; }

    /// <summary>The lowest learning rate; like scheduler.eta_min.</summary>
    public double EtaMin { get; }

    /// <summary>The current period; like scheduler.T_i.</summary>
    public int TI { get; private set; }

    /// <summary>Epochs since the last restart; like scheduler.T_cur.</summary>
    public int TCur { get; private set; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        // torch's step(): the first call (last_epoch −1) takes epoch 0; later ones count T_cur up and wrap it at T_i.
        if (StepCount == 1 && LastEpoch == 0) { TI = TZero; TCur = 0; }
        else if (++TCur >= TI)
        {
            TCur -= TI;
            TI *= TMult;
        }
        return BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2).ToArray();
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> StateDict()
    {
        var state = new Dictionary<string, object>(base.StateDict()) { ["T_0"] = TZero, ["T_i"] = TI, ["T_mult"] = TMult, ["eta_min"] = EtaMin, ["T_cur"] = TCur };
        return state;
    }

    /// <inheritdoc/>
    public override void LoadStateDict(IReadOnlyDictionary<string, object> stateDict)
    {
        base.LoadStateDict(stateDict);
        TI = Read<int>(stateDict, "T_i");
        TCur = Read<int>(stateDict, "T_cur");
    }

    /// <summary>The period and the place in it for an epoch set directly, as torch's step(epoch) finds them.</summary>
    protected override IReadOnlyList<double> LrAtEpoch()
    {
        int epoch = LastEpoch;
        if (epoch >= TZero)
        {
            if (TMult == 1) TCur = epoch % TZero;
            else
            {
                int n = (int)Math.Log((double)epoch / TZero * (TMult - 1) + 1, TMult);
                TCur = epoch - (int)(TZero * (Math.Pow(TMult, n) - 1) / (TMult - 1));
                TI = TZero * (int)Math.Pow(TMult, n);
            }
        }
        else
        {
            TI = TZero;
            TCur = epoch;
        }
        return BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2).ToArray();
    }
}
