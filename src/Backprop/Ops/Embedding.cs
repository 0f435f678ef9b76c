namespace Backprop;

// Embedding lookup as an op: the forward picks rows, the backward sums each output's gradient into the row it came
// from (an index_add, itself a recorded op), the padding row excepted.
public partial class Tensor
{
    /// <summary>
    /// The rows of weight at the Int64 indices (flat: the same, flattened; checked in range by the caller), shaped as
    /// the indices plus the row size; the row at padding, if any, receives no gradient. Like torch.embedding(weight,
    /// indices, padding_idx).
    /// </summary>
    internal static Tensor EmbeddingLookup(Tensor weight, Tensor indices, Tensor flat, int? padding)
    {
        int dim = weight.ShapeArray[1];
        Tensor rowsPicked;
        using (Autograd.NoGrad()) rowsPicked = weight.IndexSelect(0, flat);
        var result = rowsPicked.View([.. indices.ShapeArray, dim]);
        result = Graph.Record(result, OpCatalog.Embedding, weight, (weight.ShapeArray, flat, padding),
            static (g, s) =>
            {
                var perRow = g.Reshape(-1, s.ShapeArray[1]);
                if (s.padding is { } p) perRow = Where(s.flat.Eq(p).Unsqueeze(1), 0.0, perRow);
                return Zeros(s.ShapeArray, g.DType).IndexAdd(0, s.flat, perRow);
            }, new SavedTensors(flat));
        Tracing.Current?.Op(Tracing.Report(OpCatalog.Embedding, result, [weight, indices], []));   // after Record: the outer report wins
        return result;
    }
}
