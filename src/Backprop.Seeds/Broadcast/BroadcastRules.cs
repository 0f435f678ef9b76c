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
                ai < 0 || bi < 0 ? $"missing in {(ai < 0 ? "a" : "b")}: counts as 1, stretched to {(ai < 0 ? sb : sa)}" :
                a[ai] == b[bi] ? "equal" :
                a[ai] == 1 ? $"a has 1: stretched to {sb}" :
                b[bi] == 1 ? $"b has 1: stretched to {sa}" :
                "different and neither is 1: cannot broadcast";
            lines.Add($"dim {i}: {sa} vs {sb}: {verdict}");
        }
        if (n == 0) lines.Add("both 0-d: nothing to align");
        return lines;
    }
}
