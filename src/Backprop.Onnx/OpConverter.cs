using Backprop.Kernels;
using Backprop.Onnx.Proto;
using static Backprop.Onnx.OnnxGraphBuilder;

namespace Backprop.Onnx;

/// <summary>
/// Each traced op as ONNX opset-17 nodes. Ops report themselves by aten name with their arguments (Backprop's
/// internal Tracing); attribute-free differentiable ops are also known by their grad_fn name. Anything else fails the
/// export with its name: a graph is never written with an op left out. docs/onnx.md lists the mappings.
/// </summary>
internal static class OpConverter
{
    /// <summary>The ONNX op for each attribute-free elementwise op reported by grad_fn name alone.</summary>
    private static readonly Dictionary<string, string> ElementwiseByGradFn = new()
    {
        ["AddBackward0"] = "Add", ["SubBackward0"] = "Sub", ["MulBackward0"] = "Mul", ["DivBackward0"] = "Div",
        ["PowBackward1"] = "Pow", ["MaximumBackward0"] = "Max", ["MinimumBackward0"] = "Min",
        ["NegBackward0"] = "Neg", ["ExpBackward0"] = "Exp", ["LogBackward0"] = "Log", ["SqrtBackward0"] = "Sqrt",
        ["AbsBackward0"] = "Abs", ["SigmoidBackward0"] = "Sigmoid", ["TanhBackward0"] = "Tanh", ["ReluBackward0"] = "Relu",
        ["ErfBackward0"] = "Erf", ["SinBackward0"] = "Sin", ["CosBackward0"] = "Cos", ["SignBackward0"] = "Sign",
        ["CloneBackward0"] = "Identity", ["GeluBackward0"] = "Gelu", ["MmBackward0"] = "MatMul", ["BmmBackward0"] = "MatMul",
    };

    private static readonly Dictionary<string, string> Comparisons = new()
    {
        ["Eq"] = "Equal", ["Lt"] = "Less", ["Le"] = "LessOrEqual", ["Gt"] = "Greater", ["Ge"] = "GreaterOrEqual",
    };

    /// <summary>Adds op's nodes (its inputs already resolved); returns the name of its result's value.</summary>
    public static string Convert(TracedOp op, OnnxGraphBuilder b)
    {
        var r = op.Result;
        var x = op.Inputs.Length > 0 ? op.Inputs[0] : null;
        if (op.FromAutograd)
        {
            if (op.NumberOperand || !ElementwiseByGradFn.TryGetValue(op.Name, out var onnxOp)) throw Unsupported(op);
            if (op.Name == "GeluBackward0") return Gelu(b, x!);
            return b.Node(onnxOp, op.Inputs.Select(i => b.As(i!, r.DType)));
        }
        if (Comparisons.TryGetValue(op.Name, out var compare))
            return b.Node(compare, Common(b, op.Inputs[0]!, op.Inputs[1]!));
        var a = op.Arguments;
        switch (op.Name)
        {
            case "add": return b.Node("Add", [b.As(x!, r.DType), b.ScalarOf(Number(a[0]), r.DType)]);
            case "sub": return b.Node("Sub", [b.As(x!, r.DType), b.ScalarOf(Number(a[0]), r.DType)]);
            case "rsub": return b.Node("Sub", [b.ScalarOf(Number(a[0]), r.DType), b.As(x!, r.DType)]);
            case "mul": return b.Node("Mul", [b.As(x!, r.DType), b.ScalarOf(Number(a[0]), r.DType)]);
            case "div": return b.Node("Div", [b.As(x!, r.DType), b.ScalarOf(Number(a[0]), r.DType)]);
            case "rdiv": return b.Node("Div", [b.ScalarOf(Number(a[0]), r.DType), b.As(x!, r.DType)]);
            case "pow": return b.Node("Pow", [b.As(x!, r.DType), b.ScalarOf(Number(a[0]), r.DType)]);
            case "leaky_relu": return b.Node("LeakyRelu", [b.Resolve(x!)], null, Attr.Float("alpha", Number(a[0])));
            case "to": return b.As(x!, r.DType);
            case "clamp":   // Clip's absent bound is an empty input name
                return b.Node("Clip", [b.As(x!, r.DType), a[0] is null ? "" : b.ScalarOf(Number(a[0]), r.DType), a[1] is null ? "" : b.ScalarOf(Number(a[1]), r.DType)]);
            case "alias": return b.Node("Identity", [b.Resolve(x!)]);
            case "reshape": return b.Node("Reshape", [b.Resolve(x!), b.Int64s(ReshapeTarget(b, op))]);
            case "transpose":
            {
                var perm = Enumerable.Range(0, x!.Dim).Select(i => (long)i).ToArray();
                int d0 = (int)a[0]!, d1 = (int)a[1]!;
                (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
                return b.Node("Transpose", [b.Resolve(x)], null, Attr.Ints("perm", perm));
            }
            case "permute": return b.Node("Transpose", [b.Resolve(x!)], null, Attr.Ints("perm", Longs((int[])a[0]!)));
            case "expand": return b.Node("Expand", [b.Resolve(x!), b.Int64s(ExpandTarget(b, op))]);
            case "squeeze":
                var squeezed = (int[])a[0]!;
                // Squeeze() of a batch of 1 would drop the batch dim too: at another batch size it keeps it.
                if (b.AtOtherBatch(op) is { } squeezedThere && !((int[])squeezedThere.Arguments[0]!).SequenceEqual(squeezed)) throw BatchDependent(op);
                return squeezed.Length == 0 ? b.Node("Identity", [b.Resolve(x!)]) : b.Node("Squeeze", [b.Resolve(x!), b.Int64s(Longs(squeezed))]);
            case "unsqueeze": return b.Node("Unsqueeze", [b.Resolve(x!), b.Int64s((int)a[0]!)]);
            case "select":
                if (b.AtOtherBatch(op) is { } selectedThere && (int)selectedThere.Arguments[1]! != (int)a[1]!) throw BatchDependent(op);
                return b.Node("Gather", [b.Resolve(x!), b.ScalarOf((int)a[1]!, DType.Int64)], null, Attr.Int("axis", (int)a[0]!));
            case "slice":
            {
                int d = (int)a[0]!, start = (int)a[1]!, length = (int)a[2]!, step = (int)a[3]!;
                long end = length == 0 ? start : start + (long)(length - 1) * step + 1;
                if (b.AtOtherBatch(op) is { } there && ((int)there.Arguments[1]! != start || (int)there.Arguments[2]! != length))
                {
                    // A slice that follows the batch must run to the end of its dim at both sizes: then "to the end" serves every size.
                    bool ToEnd(TracedOp o) => (int)o.Arguments[1]! + (int)o.Arguments[2]! * (int)o.Arguments[3]! >= o.Inputs[0]!.ShapeArray[(int)o.Arguments[0]!];
                    if ((int)there.Arguments[1]! != start || !ToEnd(op) || !ToEnd(there)) throw BatchDependent(op);
                    end = long.MaxValue;
                }
                return b.Node("Slice", [b.Resolve(x!), b.Int64s(start), b.Int64s(end), b.Int64s(d), b.Int64s(step)]);
            }
            case "cat":
            {
                // PyTorch's legacy rule skips 1-D empty inputs; ONNX's Concat has no such rule, so they are left out here.
                var parts = op.Inputs.Where(t => !(t!.Dim == 1 && t.ShapeArray[0] == 0 && r.Dim != 1)).Select(t => b.As(t!, r.DType)).ToArray();
                return b.Node("Concat", parts, null, Attr.Int("axis", (int)a[0]!));
            }
            case "softmax": return b.Node("Softmax", [b.Resolve(x!)], null, Attr.Int("axis", (int)a[0]!));
            case "log_softmax": return b.Node("LogSoftmax", [b.Resolve(x!)], null, Attr.Int("axis", (int)a[0]!));
            case "sum":
            {
                var axes = Axes((bool[])a[0]!);
                var input = b.As(x!, r.DType);   // bools and integers sum as Int64
                if (axes.Length == 0) return b.Node("Identity", [input]);
                return b.Node("ReduceSum", [input, b.Int64s(axes)], null, Attr.Int("keepdims", (bool)a[1]! ? 1 : 0));
            }
            case "mean":
            {
                var axes = Axes((bool[])a[0]!);
                if (axes.Length == 0) return b.Node("Identity", [b.Resolve(x!)]);
                return b.Node("ReduceMean", [b.Resolve(x!)], null, Attr.Ints("axes", axes), Attr.Int("keepdims", (bool)a[1]! ? 1 : 0));
            }
            case "matmul": return b.Node("MatMul", [b.Resolve(op.Inputs[0]!), b.Resolve(op.Inputs[1]!)]);
            case "linear": return Linear(b, op);
            case "conv2d":
            {
                var win = (SlidingWindows)a[0]!;
                var inputs = op.Inputs.Where(t => t is not null).Select(t => b.Resolve(t!));
                return b.Node("Conv", inputs, null,
                    Attr.Ints("kernel_shape", win.KernelH, win.KernelW), Attr.Ints("strides", win.StrideH, win.StrideW),
                    Pads(x!, win), Attr.Ints("dilations", win.DilationH, win.DilationW), Attr.Int("group", (int)a[1]!));
            }
            case "max_pool2d":
            {
                var win = (SlidingWindows)a[0]!;
                // Ceil mode needs no flag: the end padding below gives exactly PyTorch's windows, padded with −∞ as ONNX pads.
                CheckPool(op, x!, win, ceilMode: false);
                return b.Node("MaxPool", [b.Resolve(x!)], null,
                    Attr.Ints("kernel_shape", win.KernelH, win.KernelW), Attr.Ints("strides", win.StrideH, win.StrideW),
                    Pads(x!, win), Attr.Ints("dilations", win.DilationH, win.DilationW));
            }
            case "avg_pool2d":
            {
                var win = (SlidingWindows)a[0]!;
                CheckPool(op, x!, win, (bool)a[1]!);
                if (a[3] is not null) throw new NotSupportedException("Onnx.Export: avg_pool2d with divisor_override has no ONNX mapping");
                return b.Node("AveragePool", [b.Resolve(x!)], null,
                    Attr.Ints("kernel_shape", win.KernelH, win.KernelW), Attr.Ints("strides", win.StrideH, win.StrideW),
                    Attr.Ints("pads", win.PadH, win.PadW, win.PadH, win.PadW), Attr.Int("count_include_pad", (bool)a[2]! ? 1 : 0));
            }
            case "adaptive_avg_pool2d": return AdaptiveAvgPool(b, x!, (int)a[0]!, (int)a[1]!);
            case "batch_norm":
            {
                int c = x!.ShapeArray[1];
                var (weight, bias, mean, variance) = (op.Inputs[1], op.Inputs[2], op.Inputs[3]!, op.Inputs[4]!);
                return b.Node("BatchNormalization",
                    [b.Resolve(x), weight is null ? b.Filled(c, 1, x.DType) : b.Resolve(weight), bias is null ? b.Filled(c, 0, x.DType) : b.Resolve(bias),
                     b.Resolve(mean), b.Resolve(variance)], null, Attr.Float("epsilon", Number(a[0])));
            }
            case "layer_norm":
            {
                var shape = (int[])a[0]!;
                int n = Shapes.Numel(shape);
                var (weight, bias) = (op.Inputs[1], op.Inputs[2]);
                // Scale and shift of shape normalized_shape, as ONNX's LayerNormalization takes them.
                return b.Node("LayerNormalization",
                    [b.Resolve(x!), weight is null ? Filled(b, shape, n, 1, x!.DType) : b.Resolve(weight), bias is null ? Filled(b, shape, n, 0, x!.DType) : b.Resolve(bias)],
                    null, Attr.Int("axis", -shape.Length), Attr.Float("epsilon", Number(a[1])));
            }
            case "embedding": return b.Node("Gather", [b.Resolve(op.Inputs[0]!), b.Resolve(op.Inputs[1]!)], null, Attr.Int("axis", 0));
            case "where": return b.Node("Where", [b.Resolve(op.Inputs[0]!), b.As(op.Inputs[1]!, r.DType), b.As(op.Inputs[2]!, r.DType)]);
            case "masked_fill": return b.Node("Where", [b.Resolve(op.Inputs[1]!), b.ScalarOf(Number(a[0]), r.DType), b.Resolve(x!)]);
            case "Ne": return b.Node("Not", [b.Node("Equal", Common(b, op.Inputs[0]!, op.Inputs[1]!))]);
            case "ArgMax":
            case "ArgMin":
            {
                string onnx = op.Name == "ArgMax" ? "ArgMax" : "ArgMin";
                if (a.Length == 0)   // over the flattened tensor, as PyTorch's argmax with no dim
                    return b.Node(onnx, [b.Node("Reshape", [b.Resolve(x!), b.Int64s(-1)])], null, Attr.Int("axis", 0), Attr.Int("keepdims", 0), Attr.Int("select_last_index", 0));
                return b.Node(onnx, [b.Resolve(x!)], null, Attr.Int("axis", (int)a[0]!), Attr.Int("keepdims", (bool)a[1]! ? 1 : 0), Attr.Int("select_last_index", 0));
            }
            default: throw Unsupported(op);
        }
    }

    /// <summary>The error for an op with no mapping, in the user's terms.</summary>
    private static NotSupportedException Unsupported(TracedOp op)
    {
        var name = op.FromAutograd && op.Name.EndsWith("Backward0", StringComparison.Ordinal) ? op.Name[..^"Backward0".Length]
            : op.FromAutograd && op.Name.EndsWith("Backward1", StringComparison.Ordinal) ? op.Name[..^"Backward1".Length] : op.Name;
        var how = op.NumberOperand ? " with a number operand" : "";
        return new NotSupportedException(
            $"Onnx.Export: the op {name}{how} (grad_fn {op.Name}, result of shape {Shapes.Format(op.Result.ShapeArray)}) has no ONNX mapping; " +
            "docs/onnx.md lists the supported ops");
    }

    /// <summary>y = x·Wᵀ + b: one Gemm for a matrix input, else MatMul with the transposed weight and an Add.</summary>
    private static string Linear(OnnxGraphBuilder b, TracedOp op)
    {
        var (x, w, bias) = (op.Inputs[0]!, op.Inputs[1]!, op.Inputs[2]);
        if (x.Dim == 2 && w.Dim == 2)
        {
            string[] inputs = bias is null ? [b.Resolve(x), b.Resolve(w)] : [b.Resolve(x), b.Resolve(w), b.Resolve(bias)];
            return b.Node("Gemm", inputs, null, Attr.Int("transB", 1));
        }
        var product = b.Node("MatMul", [b.Resolve(x), b.Node("Transpose", [b.Resolve(w)], null, Attr.Ints("perm", Enumerable.Range(0, w.Dim).Reverse().Select(i => (long)i).ToArray()))]);
        return bias is null ? product : b.Node("Add", [product, b.Resolve(bias)]);
    }

    /// <summary>exact GELU, x·½(1 + erf(x/√2)): opset 17 has Erf but no Gelu (it arrived in opset 20).</summary>
    private static string Gelu(OnnxGraphBuilder b, Tensor x)
    {
        var v = b.Resolve(x);
        var erf = b.Node("Erf", [b.Node("Div", [v, b.ScalarOf(Math.Sqrt(2), x.DType)])]);
        var half = b.Node("Mul", [b.Node("Add", [erf, b.ScalarOf(1, x.DType)]), b.ScalarOf(0.5, x.DType)]);
        return b.Node("Mul", [v, half]);
    }

    /// <summary>AdaptiveAvgPool2d: GlobalAveragePool to 1×1, an AveragePool when the output size divides the input's.</summary>
    private static string AdaptiveAvgPool(OnnxGraphBuilder b, Tensor x, int outH, int outW)
    {
        if (x.Dim != 4) throw new NotSupportedException($"Onnx.Export: adaptive_avg_pool2d of a {x.Dim}-d input has no ONNX mapping here; pass [N, C, H, W]");
        int h = x.ShapeArray[2], w = x.ShapeArray[3];
        if (outH == 1 && outW == 1) return b.Node("GlobalAveragePool", [b.Resolve(x)]);
        if (outH == 0 || outW == 0 || h % outH != 0 || w % outW != 0)
            throw new NotSupportedException(
                $"Onnx.Export: adaptive_avg_pool2d from {h}×{w} to {outH}×{outW} has no ONNX mapping (only to 1×1, or to a size that divides the input's)");
        return b.Node("AveragePool", [b.Resolve(x)], null, Attr.Ints("kernel_shape", h / outH, w / outW), Attr.Ints("strides", h / outH, w / outW));
    }

    /// <summary>
    /// ONNX pads [top, left, bottom, right]: PyTorch's padding before, and after it as much as the traced output size
    /// needs (more than the padding for "same" with an even kernel, and for ceil mode), never less than the padding.
    /// </summary>
    private static AttributeProto Pads(Tensor x, SlidingWindows win)
    {
        int h = x.ShapeArray[^2], w = x.ShapeArray[^1];
        int spanH = win.DilationH * (win.KernelH - 1) + 1, spanW = win.DilationW * (win.KernelW - 1) + 1;
        int endH = Math.Max(win.PadH, (win.OutH - 1) * win.StrideH + spanH - h - win.PadH);
        int endW = Math.Max(win.PadW, (win.OutW - 1) * win.StrideW + spanW - w - win.PadW);
        return Attr.Ints("pads", win.PadH, win.PadW, endH, endW);
    }

    private static void CheckPool(TracedOp op, Tensor x, SlidingWindows win, bool ceilMode)
    {
        if (x.Dim != 4) throw new NotSupportedException($"Onnx.Export: {op.Name} of a {x.Dim}-d input has no ONNX mapping here; pass [N, C, H, W]");
        int floorH = (x.ShapeArray[2] + 2 * win.PadH - win.DilationH * (win.KernelH - 1) - 1) / win.StrideH + 1;
        int floorW = (x.ShapeArray[3] + 2 * win.PadW - win.DilationW * (win.KernelW - 1) - 1) / win.StrideW + 1;
        if (ceilMode && (floorH != win.OutH || floorW != win.OutW))
            throw new NotSupportedException($"Onnx.Export: {op.Name} with ceil_mode=True that changes the output size has no ONNX mapping here");
    }

    /// <summary>
    /// Reshape's target: the traced sizes, except where they differ at one sample more (they follow the batch): 0
    /// (copy the input's size) where the input's size is the same at both batch sizes, and −1 (inferred) for one more.
    /// </summary>
    private static long[] ReshapeTarget(OnnxGraphBuilder b, TracedOp op)
    {
        var (from, to) = (op.Inputs[0]!.ShapeArray, (int[])op.Arguments[0]!);
        var target = Longs(to);
        if (b.AtOtherBatch(op) is not { } other) return target;
        var (fromThere, toThere) = (other.Inputs[0]!.ShapeArray, (int[])other.Arguments[0]!);
        if (toThere.Length != to.Length) throw BatchDependent(op);
        var inferred = new List<int>();
        for (int i = 0; i < to.Length; i++)
        {
            if (to[i] == toThere[i]) continue;
            if (i < from.Length && i < fromThere.Length && from[i] == to[i] && fromThere[i] == toThere[i]) target[i] = 0;
            else inferred.Add(i);
        }
        if (inferred.Count > 1) throw BatchDependent(op);
        if (inferred.Count == 1) target[inferred[0]] = -1;
        return target;
    }

    /// <summary>Expand's target: 1 where the input keeps its own size (ONNX broadcasting keeps it, whatever the batch).</summary>
    private static long[] ExpandTarget(OnnxGraphBuilder b, TracedOp op)
    {
        var (from, to) = (op.Inputs[0]!.ShapeArray, (int[])op.Arguments[0]!);
        var target = Longs(to);
        int lead = to.Length - from.Length;
        for (int i = lead; i < to.Length; i++)
            if (from[i - lead] == to[i]) target[i] = 1;
        if (b.AtOtherBatch(op) is { } other)
        {
            var toThere = (int[])other.Arguments[0]!;
            for (int i = 0; i < to.Length; i++)
                if (to[i] != toThere[i] && target[i] != 1) throw BatchDependent(op);
        }
        return target;
    }

    /// <summary>The error for a size that follows the batch in a way the graph cannot say.</summary>
    private static NotSupportedException BatchDependent(TracedOp op) => new(
        $"Onnx.Export: {op.Name} of a tensor of shape {Shapes.Format(op.Inputs[0]!.ShapeArray)} takes sizes or positions that change with the batch " +
        "size in a way one graph cannot express; export with DynamicBatch = false, or keep the batch as dim 0 (Reshape(b, ...), View(-1, ...))");

    private static string[] Common(OnnxGraphBuilder b, Tensor left, Tensor right)
    {
        var dtype = TypePromotion.ResultType(left, right);
        if (dtype == DType.Bool) dtype = DType.Int64;
        return [b.As(left, dtype), b.As(right, dtype)];
    }

    private static string Filled(OnnxGraphBuilder b, int[] shape, int n, double value, DType dtype)
        => shape.Length == 1 ? b.Filled(n, value, dtype) : b.Node("Reshape", [b.Filled(n, value, dtype), b.Int64s(Longs(shape))]);

    private static long[] Axes(bool[] mask) => Enumerable.Range(0, mask.Length).Where(i => mask[i]).Select(i => (long)i).ToArray();

    private static long[] Longs(int[] values) => values.Select(v => (long)v).ToArray();

    private static double Number(object? value) => System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
}
