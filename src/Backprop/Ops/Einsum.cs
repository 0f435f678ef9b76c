namespace Backprop;

// Einsum: every operand is lined up on one axis per subscript letter (permuted, size-1 axes where it lacks a
// letter), the operands are multiplied with broadcasting, and the letters not in the output are summed away. Composed
// of Permute, Reshape, Mul and Sum, so it has every derivative. It materialises the full product (memory of every
// letter's size multiplied): fine for the small contractions it is meant for; use MatMul for large ones.
public partial class Tensor
{
    /// <summary>
    /// The Einstein summation of the operands by the equation ("ij,jk->ik"; without "->" the output is the letters
    /// that appear once, in alphabetical order); like torch.einsum. Letters must be a–z or A–Z, each at most once per
    /// operand (no diagonals); "..." is not supported.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        string eq = equation.Replace(" ", "", StringComparison.Ordinal);
        if (eq.Contains("...", StringComparison.Ordinal)) throw new ArgumentException($"Einsum: ellipsis ('...') is not supported, in \"{equation}\"");
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        string[] inputs = (arrow >= 0 ? eq[..arrow] : eq).Split(',');
        if (inputs.Length != operands.Length)
            throw new ArgumentException($"Einsum: \"{equation}\" has {inputs.Length} operand(s) but {operands.Length} tensor(s) were given");
        var counts = new Dictionary<char, int>();
        var sizes = new Dictionary<char, int>();
        for (int k = 0; k < inputs.Length; k++)
        {
            string sub = inputs[k];
            if (sub.Length != operands[k].Dim)
                throw new ArgumentException($"Einsum: the number of subscripts in \"{sub}\" ({sub.Length}) does not match the number of dimensions ({operands[k].Dim}) for operand {k}");
            for (int i = 0; i < sub.Length; i++)
            {
                char c = sub[i];
                if (!char.IsAsciiLetter(c)) throw new ArgumentException($"Einsum: invalid subscript '{c}' in \"{equation}\"; subscripts are letters a-z and A-Z");
                if (sub.IndexOf(c) != i) throw new ArgumentException($"Einsum: subscript '{c}' repeats in operand {k} (diagonals are not supported)");
                int size = operands[k].ShapeArray[i];
                if (sizes.TryGetValue(c, out int seen) && seen != size && seen != 1 && size != 1)
                    throw new ArgumentException($"Einsum: subscript '{c}' has size {size} for operand {k} which does not broadcast with previously seen size {seen}");
                sizes[c] = Math.Max(seen, size);
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }
        string output = arrow >= 0 ? eq[(arrow + 2)..] : new string(counts.Where(kv => kv.Value == 1).Select(kv => kv.Key).Order().ToArray());
        foreach (char c in output)
        {
            if (!sizes.ContainsKey(c)) throw new ArgumentException($"Einsum: output subscript '{c}' does not appear in the equation for any input operand");
            if (output.IndexOf(c) != output.LastIndexOf(c)) throw new ArgumentException($"Einsum: output subscript '{c}' appears more than once in the output");
        }
        // One axis per letter: the output's first, then the summed ones.
        var letters = output.Concat(sizes.Keys.Where(c => !output.Contains(c)).Order()).ToArray();
        Tensor? product = null;
        for (int k = 0; k < operands.Length; k++)
        {
            var aligned = Align(operands[k], inputs[k], letters);
            product = product is null ? aligned : product.Mul(aligned);
        }
        int summed = letters.Length - output.Length;
        var result = summed == 0 ? product! : product!.Sum(Enumerable.Range(output.Length, summed).ToArray());
        return result;
    }

    /// <summary>The operand permuted to the letters' order, with size-1 axes for the letters it lacks.</summary>
    private static Tensor Align(Tensor operand, string subscripts, char[] letters)
    {
        var order = letters.Where(c => subscripts.Contains(c)).Select(c => subscripts.IndexOf(c)).ToArray();
        var permuted = order.Length > 1 ? operand.Permute(order) : operand;
        var shape = letters.Select(c => subscripts.Contains(c) ? operand.ShapeArray[subscripts.IndexOf(c)] : 1).ToArray();
        return permuted.Reshape(shape);
    }
}
