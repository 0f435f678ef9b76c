using Backprop.Seeds.Texts;

namespace Backprop.Seeds.Broadcast;

/// <summary>Seed 001's broadcasting rule, dimension by dimension, as the lab prints it and the playground shows it.</summary>
public static class BroadcastRules
{
    /// <summary>The shapes aligned from the right and, dim by dim, which rule lets them meet (or that none does).</summary>
    public static List<string> Lines(int[] a, int[] b)
    {
        int n = Math.Max(a.Length, b.Length);
        var lines = new List<string>();
        for (int i = 0; i < n; i++)
        {
            int ai = i - (n - a.Length), bi = i - (n - b.Length);
            string sa = ai >= 0 ? a[ai].ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
            string sb = bi >= 0 ? b[bi].ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
            string verdict =
                ai < 0 || bi < 0 ? Language.Format(SeedText.BroadcastMissing, ai < 0 ? "a" : "b", ai < 0 ? sb : sa) :
                a[ai] == b[bi] ? SeedText.BroadcastEqual :
                a[ai] == 1 ? Language.Format(SeedText.BroadcastStretched, "a", sb) :
                b[bi] == 1 ? Language.Format(SeedText.BroadcastStretched, "b", sa) :
                SeedText.BroadcastIncompatible;
            lines.Add(Language.Format(SeedText.BroadcastDim, i, sa, sb, verdict));
        }
        if (n == 0) lines.Add(SeedText.BroadcastBothScalars);
        return lines;
    }
}
