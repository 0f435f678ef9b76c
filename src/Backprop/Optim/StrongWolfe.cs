namespace Backprop.Optim;

/// <summary>
/// The strong-Wolfe line search LBFGS uses: bracket a step satisfying f(x + t·d) ≤ f + c₁·t·gᵀd and |g(x + t·d)ᵀd| ≤
/// c₂·|gᵀd|, then zoom in by cubic interpolation. PyTorch 1.13's _strong_wolfe and _cubic_interpolate (ported from
/// Lua torch's lswolfe.lua and polyinterp.lua), step for step.
/// </summary>
internal static class StrongWolfe
{
    /// <summary>f and the flat gradient at x + t·d (the parameters restored to x afterwards).</summary>
    public delegate (double Loss, Tensor Grad) Evaluate(double t);

    /// <summary>The step found, with the loss and gradient there and the number of evaluations.</summary>
    public static (double Loss, Tensor Grad, double T, int Evaluations) Search(Evaluate evaluate, double t, Tensor d, double f, Tensor g, double gtd,
        double c1 = 1e-4, double c2 = 0.9, double toleranceChange = 1e-9, int maxLs = 25)
    {
        double dNorm = d.Abs().Max().Item();
        g = g.Clone();
        var (fNew, gNew) = evaluate(t);
        int evaluations = 1;
        double gtdNew = LBFGS.Dot(gNew, d);

        // Bracket an interval containing a point satisfying the Wolfe criteria.
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        var gPrev = g;
        bool done = false;
        int lsIter = 0;
        double[] bracket = [], bracketF = [], bracketGtd = [];
        Tensor[] bracketG = [];
        while (lsIter < maxLs)
        {
            if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew.Clone()], [gtdPrev, gtdNew]);
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd)
            {
                (bracket, bracketF, bracketG) = ([t], [fNew], [gNew]);
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew.Clone()], [gtdPrev, gtdNew]);
                break;
            }
            // Interpolate, extrapolating at most tenfold.
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10;
            double tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp;
            fPrev = fNew;
            gPrev = gNew.Clone();
            gtdPrev = gtdNew;
            (fNew, gNew) = evaluate(t);
            evaluations++;
            gtdNew = LBFGS.Dot(gNew, d);
            lsIter++;
        }
        if (lsIter == maxLs) (bracket, bracketF, bracketG) = ([0, t], [f, fNew], [g, gNew]);

        // Zoom: refine the bracket until a point satisfies the criteria.
        bool insufficientProgress = false;
        var (lowPos, highPos) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

            // A trial too close to the bracket's ends, twice running or outside it, moves 10% of the bracket inside.
            double max = Math.Max(bracket[0], bracket[1]), min = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (max - min);
            if (Math.Min(max - t, t - min) < eps)
            {
                if (insufficientProgress || t >= max || t <= min)
                {
                    t = Math.Abs(t - max) < Math.Abs(t - min) ? max - eps : min + eps;
                    insufficientProgress = false;
                }
                else insufficientProgress = true;
            }
            else insufficientProgress = false;

            (fNew, gNew) = evaluate(t);
            evaluations++;
            gtdNew = LBFGS.Dot(gNew, d);
            lsIter++;

            if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos])
            {
                // Armijo not satisfied, or not below the lowest point: the trial becomes the high end.
                (bracket[highPos], bracketF[highPos], bracketG[highPos], bracketGtd[highPos]) = (t, fNew, gNew.Clone(), gtdNew);
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0)
                    (bracket[highPos], bracketF[highPos], bracketG[highPos], bracketGtd[highPos]) =
                        (bracket[lowPos], bracketF[lowPos], bracketG[lowPos], bracketGtd[lowPos]);   // the old low becomes the high
                (bracket[lowPos], bracketF[lowPos], bracketG[lowPos], bracketGtd[lowPos]) = (t, fNew, gNew.Clone(), gtdNew);
            }
        }
        return (bracketF[lowPos], bracketG[lowPos], bracket[lowPos], evaluations);
    }

    /// <summary>
    /// The minimiser of the cubic through (x₁, f₁) and (x₂, f₂) with slopes g₁ and g₂, clamped to the bounds (the
    /// points' interval by default); the bounds' midpoint when the cubic has no minimum.
    /// </summary>
    public static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double Min, double Max)? bounds = null)
    {
        var (minBound, maxBound) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0)
        {
            double d2 = Math.Sqrt(d2Square);
            double minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.Min(Math.Max(minPos, minBound), maxBound);
        }
        return (minBound + maxBound) / 2;
    }
}
