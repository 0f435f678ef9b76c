using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime (Microsoft.ML.OnnxRuntime, its CPU provider) on Backprop tensors.</summary>
internal static class OnnxRuntimeRunner
{
    /// <summary>The model's one output for the given inputs (by the graph's input order), as a Float32 tensor.</summary>
    public static Tensor Run(byte[] model, params Tensor[] inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, options);
        var names = session.InputMetadata.Keys.ToList();
        Assert.Equal(inputs.Length, names.Count);
        var values = new List<NamedOnnxValue>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            int[] shape = x.Shape.ToArray();
            values.Add(x.DType switch
            {
                DType.Float32 => NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<float>(x.Contiguous().ToArray<float>(), shape)),
                DType.Int64 => NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<long>(x.Contiguous().ToArray<long>(), shape)),
                DType.Float64 => NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<double>(x.Contiguous().ToArray<double>(), shape)),
                _ => throw new NotSupportedException(x.DType.ToString()),
            });
        }
        using var results = session.Run(values);
        var output = results.Single();
        switch (output.Value)
        {
            case DenseTensor<float> f: return Tensor.From(f.ToArray()).Reshape(f.Dimensions.ToArray());
            case DenseTensor<double> d: return Tensor.From(d.ToArray()).Reshape(d.Dimensions.ToArray());
            case DenseTensor<long> l: return Tensor.From(l.ToArray()).Reshape(l.Dimensions.ToArray());
            default: throw new NotSupportedException(output.Value?.GetType().Name);
        }
    }
}
