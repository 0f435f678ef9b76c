namespace Backprop;

/// <summary>How <see cref="Tensor.Scatter(int, Tensor, Tensor, ScatterReduce)"/> combines src with self; torch.scatter's reduce='add' or 'multiply'.</summary>
public enum ScatterReduce
{
    /// <summary>self[index] += src (reduce='add'); the same as ScatterAdd.</summary>
    Add,

    /// <summary>self[index] *= src (reduce='multiply').</summary>
    Multiply,
}
