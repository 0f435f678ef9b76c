namespace Backprop;

/// <summary>
/// Every differentiable op of the library, declared once (<see cref="OpDecl"/>), grouped by family as PyTorch's
/// derivatives.yaml is: the grad_fn name its nodes print, the inputs that get a gradient edge, and the aten name it is
/// traced by where an exporter maps it. Ops record and report through these fields, never through a typed name;
/// <see cref="All"/> lists them for the tests (unique names, a gradcheck each, the names against PyTorch's). Adding an
/// op: docs/adding-an-op.md.
/// </summary>
internal static class OpCatalog
{
    // Arithmetic (Ops/Arithmetic.cs). An op of a tensor and a number records the number as a second input with no
    // edge, as PyTorch wraps it: x * 2 is MulBackward0 with next_functions (x's node, None).
    public static readonly OpDecl Add = new("AddBackward0", ["self", "other"], "add");
    public static readonly OpDecl Sub = new("SubBackward0", ["self", "other"], "sub");
    public static readonly OpDecl Rsub = new("RsubBackward1", ["self", "other"], "rsub");   // number − tensor
    public static readonly OpDecl Mul = new("MulBackward0", ["self", "other"], "mul");
    public static readonly OpDecl Div = new("DivBackward0", ["self", "other"], "div");
    public static readonly OpDecl Neg = new("NegBackward0", ["self"]);
    public static readonly OpDecl Pow = new("PowBackward0", ["self"], "pow");                 // tensor ^ number
    public static readonly OpDecl PowTensor = new("PowBackward1", ["self", "exponent"]);      // tensor ^ tensor

    // Elementwise math (Ops/UnaryMath.cs, Ops/Log1pSquare.cs).
    public static readonly OpDecl Exp = new("ExpBackward0", ["self"]);
    public static readonly OpDecl Log = new("LogBackward0", ["self"]);
    public static readonly OpDecl Log1p = new("Log1PBackward0", ["self"]);
    public static readonly OpDecl Sqrt = new("SqrtBackward0", ["self"]);
    public static readonly OpDecl Abs = new("AbsBackward0", ["self"]);
    public static readonly OpDecl Sign = new("SignBackward0", ["self"]);
    public static readonly OpDecl Sin = new("SinBackward0", ["self"]);
    public static readonly OpDecl Cos = new("CosBackward0", ["self"]);
    public static readonly OpDecl Erf = new("ErfBackward0", ["self"]);

    // Activations (Ops/Activations.cs); a fused backward is an op of its own, as PyTorch's sigmoid_backward.
    public static readonly OpDecl Sigmoid = new("SigmoidBackward0", ["self"]);
    public static readonly OpDecl SigmoidBackward = new("SigmoidBackwardBackward0", ["grad_output", "output"]);
    public static readonly OpDecl Tanh = new("TanhBackward0", ["self"]);
    public static readonly OpDecl TanhBackward = new("TanhBackwardBackward0", ["grad_output", "output"]);
    public static readonly OpDecl Relu = new("ReluBackward0", ["self"]);
    public static readonly OpDecl ThresholdBackward = new("ThresholdBackwardBackward0", ["grad_output", "self"]);
    public static readonly OpDecl LeakyRelu = new("LeakyReluBackward0", ["self"], "leaky_relu");
    public static readonly OpDecl Gelu = new("GeluBackward0", ["self"]);
    public static readonly OpDecl GeluBackward = new("GeluBackwardBackward0", ["grad_output", "self"]);
    public static readonly OpDecl Softplus = new("SoftplusBackward0", ["self"]);

    // Softmax and log-sum-exp (Ops/Softmax.cs).
    public static readonly OpDecl Softmax = new("SoftmaxBackward0", ["self"], "softmax");
    public static readonly OpDecl SoftmaxBackwardData = new("SoftmaxBackwardDataBackward0", ["grad_output", "output"]);
    public static readonly OpDecl LogSoftmax = new("LogSoftmaxBackward0", ["self"], "log_softmax");
    public static readonly OpDecl LogSoftmaxBackwardData = new("LogSoftmaxBackwardDataBackward0", ["grad_output", "output"]);
    public static readonly OpDecl Logsumexp = new("LogsumexpBackward0", ["self"]);

    // Reductions and statistics (Ops/Reductions.cs, Ops/Cumsum.cs, Ops/Statistics.cs).
    public static readonly OpDecl Sum = new("SumBackward0", ["self"], "sum");          // over all elements
    public static readonly OpDecl SumDims = new("SumBackward1", ["self"], "sum");      // over given dims
    public static readonly OpDecl Mean = new("MeanBackward0", ["self"], "mean");
    public static readonly OpDecl MeanDims = new("MeanBackward1", ["self"], "mean");
    public static readonly OpDecl Cumsum = new("CumsumBackward0", ["self"]);
    public static readonly OpDecl Var = new("VarBackward0", ["self"]);
    public static readonly OpDecl Std = new("StdBackward0", ["self"]);

    // Reductions that select (Ops/MinMax.cs): Max() is max.default, MaxBackward1; Max(dim) is max.dim, MaxBackward0.
    public static readonly OpDecl Max = new("MaxBackward1", ["self"]);
    public static readonly OpDecl Min = new("MinBackward1", ["self"]);
    public static readonly OpDecl MaxDim = new("MaxBackward0", ["self"]);
    public static readonly OpDecl MinDim = new("MinBackward0", ["self"]);
    public static readonly OpDecl Amax = new("AmaxBackward0", ["self"]);
    public static readonly OpDecl Amin = new("AminBackward0", ["self"]);

    // Selection (Ops/Selection.cs): where's condition and clamp's bounds get no edge.
    public static readonly OpDecl Where = new("WhereBackward0", ["self", "other"], "where");
    public static readonly OpDecl Clamp = new("ClampBackward1", ["self"], "clamp");
    public static readonly OpDecl Maximum = new("MaximumBackward0", ["self", "other"]);
    public static readonly OpDecl Minimum = new("MinimumBackward0", ["self", "other"]);

    // Indexing and scattering (Ops/Indexing.cs, Ops/Scatter.cs, Ops/Embedding.cs): index tensors get no edge.
    public static readonly OpDecl Gather = new("GatherBackward0", ["self"]);
    public static readonly OpDecl ScatterAdd = new("ScatterAddBackward0", ["self", "src"]);
    public static readonly OpDecl Scatter = new("ScatterBackward0", ["self", "src"]);
    public static readonly OpDecl ScatterValue = new("ScatterBackward1", ["self"]);
    // scatter(reduce='multiply') has no derivative in PyTorch 1.13 (its node is named so): a backward through it throws.
    public static readonly OpDecl ScatterMultiply = new("torch::autograd::NotImplemented", ["self", "src"]);
    public static readonly OpDecl IndexSelect = new("IndexSelectBackward0", ["self"]);
    public static readonly OpDecl IndexAdd = new("IndexAddBackward0", ["self", "source"]);
    public static readonly OpDecl MaskedFill = new("MaskedFillBackward0", ["self"], "masked_fill");
    public static readonly OpDecl Embedding = new("EmbeddingBackward0", ["weight"], "embedding");

    // Joining and splitting (Ops/Joining.cs); each piece of a split is traced as a slice.
    public static readonly OpDecl Cat = new("CatBackward0", ["tensors[]"], "cat");
    public static readonly OpDecl Stack = new("StackBackward0", ["tensors[]"]);
    public static readonly OpDecl Split = new("SplitBackward0", ["self"], "slice");
    public static readonly OpDecl SplitWithSizes = new("SplitWithSizesBackward0", ["self"], "slice");

    // Views (Ops/Views.cs, Ops/Subscript.cs): a view's backward is the inverse view, or the gradient put into zeros
    // (slice_backward, select_backward: ops of their own, so that they differentiate again).
    public static readonly OpDecl View = new("ViewBackward0", ["self"], "reshape");
    public static readonly OpDecl UnsafeView = new("UnsafeViewBackward0", ["self"], "reshape");   // a reshape that copied
    public static readonly OpDecl Transpose = new("TransposeBackward0", ["self"], "transpose");
    public static readonly OpDecl Permute = new("PermuteBackward0", ["self"], "permute");
    public static readonly OpDecl Expand = new("ExpandBackward0", ["self"], "expand");
    public static readonly OpDecl Squeeze = new("SqueezeBackward0", ["self"], "squeeze");       // every size-1 dim
    public static readonly OpDecl SqueezeDim = new("SqueezeBackward1", ["self"], "squeeze");
    public static readonly OpDecl Unsqueeze = new("UnsqueezeBackward0", ["self"], "unsqueeze");
    public static readonly OpDecl Select = new("SelectBackward0", ["self"], "select");
    public static readonly OpDecl SelectBackward = new("SelectBackwardBackward0", ["grad_output"]);
    public static readonly OpDecl Slice = new("SliceBackward0", ["self"], "slice");              // Slice and Narrow
    public static readonly OpDecl SliceBackward = new("SliceBackwardBackward0", ["grad_output"]);
    public static readonly OpDecl Alias = new("AliasBackward0", ["self"], "alias");              // x[...]; traced as an identity

    // Copies and conversions (Ops/Conversion.cs): a copy is exported as an identity, a conversion as a cast.
    public static readonly OpDecl Clone = new("CloneBackward0", ["self"], "alias");
    public static readonly OpDecl ToCopy = new("ToCopyBackward0", ["self"], "to");

    // Linear algebra (Ops/LinearAlgebra.cs): matmul is composed of these.
    public static readonly OpDecl Addmm = new("AddmmBackward0", ["self", "mat1", "mat2"]);
    public static readonly OpDecl Mm = new("MmBackward0", ["self", "mat2"]);
    public static readonly OpDecl Mv = new("MvBackward0", ["self", "vec"]);
    public static readonly OpDecl Dot = new("DotBackward0", ["self", "tensor"]);
    public static readonly OpDecl Bmm = new("BmmBackward0", ["self", "mat2"]);

    // Convolution and pooling (Ops/Convolution.cs, Ops/Pooling.cs). Convolution's backward records each gradient as a
    // node of its own, named as PyTorch's one node: dX of (grad_output, weight), dW of (grad_output, input), db of grad_output.
    public static readonly OpDecl Convolution = new("ConvolutionBackward0", ["input", "weight", "bias?"], "conv2d");
    public static readonly OpDecl ConvolutionBackward = new("ConvolutionBackwardBackward0", ["grad_output", "input_or_weight?"]);
    public static readonly OpDecl Im2Col = new("Im2ColBackward0", ["self"]);    // F.unfold
    public static readonly OpDecl Col2Im = new("Col2ImBackward0", ["self"]);    // F.fold
    public static readonly OpDecl MaxPool2d = new("MaxPool2DWithIndicesBackward0", ["self"], "max_pool2d");
    public static readonly OpDecl MaxPool2dBackward = new("MaxPool2DWithIndicesBackwardBackward0", ["grad_output", "self"]);
    public static readonly OpDecl AvgPool2d = new("AvgPool2DBackward0", ["self"], "avg_pool2d");
    public static readonly OpDecl AvgPool2dBackward = new("AvgPool2DBackwardBackward0", ["grad_output"]);
    public static readonly OpDecl AdaptiveAvgPool2d = new("AdaptiveAvgPool2DBackward0", ["self"], "adaptive_avg_pool2d");
    public static readonly OpDecl AdaptiveAvgPool2dBackward = new("AdaptiveAvgPool2DBackwardBackward0", ["grad_output"]);

    // Losses (Ops/Losses.cs).
    public static readonly OpDecl BinaryCrossEntropy = new("BinaryCrossEntropyBackward0", ["self", "target"]);

    /// <summary>Every declaration above, in order.</summary>
    public static readonly IReadOnlyList<OpDecl> All =
    [
        Add, Sub, Rsub, Mul, Div, Neg, Pow, PowTensor,
        Exp, Log, Log1p, Sqrt, Abs, Sign, Sin, Cos, Erf,
        Sigmoid, SigmoidBackward, Tanh, TanhBackward, Relu, ThresholdBackward, LeakyRelu, Gelu, GeluBackward, Softplus,
        Softmax, SoftmaxBackwardData, LogSoftmax, LogSoftmaxBackwardData, Logsumexp,
        Sum, SumDims, Mean, MeanDims, Cumsum, Var, Std,
        Max, Min, MaxDim, MinDim, Amax, Amin,
        Where, Clamp, Maximum, Minimum,
        Gather, ScatterAdd, Scatter, ScatterValue, ScatterMultiply, IndexSelect, IndexAdd, MaskedFill, Embedding,
        Cat, Stack, Split, SplitWithSizes,
        View, UnsafeView, Transpose, Permute, Expand, Squeeze, SqueezeDim, Unsqueeze, Select, SelectBackward, Slice, SliceBackward, Alias,
        Clone, ToCopy,
        Addmm, Mm, Mv, Dot, Bmm,
        Convolution, ConvolutionBackward, Im2Col, Col2Im, MaxPool2d, MaxPool2dBackward, AvgPool2d, AvgPool2dBackward,
        AdaptiveAvgPool2d, AdaptiveAvgPool2dBackward,
        BinaryCrossEntropy,
    ];

    /// <summary>
    /// The aten names of traced reports that no declaration above holds: composites whose nodes are the ops they are
    /// made of (matmul of mm/mv/dot/bmm, linear of addmm, layer_norm and eval-mode batch_norm of elementwise ops),
    /// detach, which cuts the graph (exported as an identity), and number / tensor, recorded as <see cref="Div"/>.
    /// </summary>
    public static class Traced
    {
        public const string MatMul = "matmul";
        public const string Linear = "linear";
        public const string LayerNorm = "layer_norm";
        public const string BatchNorm = "batch_norm";
        public const string Detach = "alias";
        public const string Rdiv = "rdiv";
    }
}
