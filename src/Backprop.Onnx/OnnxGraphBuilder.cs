using Backprop.Onnx.Proto;
using Google.Protobuf;

namespace Backprop.Onnx;

/// <summary>
/// Builds the ONNX graph of one traced forward, walking back from the output: each tensor becomes a graph input, an
/// initializer (a parameter or buffer, named by the state dict), a constant (a value that depends on no input and no
/// parameter: folded, its value stored), or the output of the nodes its op maps to (<see cref="OpConverter"/>).
/// A tensor that no mapped op produced and that is not a constant fails the export, naming the op that made it.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly ForwardTracer _tracer;
    private readonly Dictionary<Tensor, string> _names = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _constants = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _parameters = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _usedNames = [];
    private readonly Dictionary<string, int> _counters = [];

    public GraphProto Graph { get; } = new();

    /// <summary>The example's batch size when dim 0 is dynamic, else null.</summary>
    public int? BatchSize { get; }

    private readonly Dictionary<TracedOp, TracedOp>? _atOtherBatch;

    private readonly Dictionary<Tensor, Tensor>? _constantsThere;
    private string? _firstInput;

    public OnnxGraphBuilder(ForwardTracer tracer, int? batchSize, Dictionary<TracedOp, TracedOp>? atOtherBatch, Dictionary<Tensor, Tensor>? constantsThere)
    {
        _tracer = tracer;
        BatchSize = batchSize;
        _atOtherBatch = atOtherBatch;
        _constantsThere = constantsThere;
    }

    /// <summary>The same op in the trace at one sample more, when the batch is dynamic; else null.</summary>
    public TracedOp? AtOtherBatch(TracedOp op) => _atOtherBatch is not null && _atOtherBatch.TryGetValue(op, out var other) ? other : null;

    /// <summary>Binds a graph input.</summary>
    public void AddInput(Tensor example, string name, bool dynamicBatch)
    {
        if (!_usedNames.Add(name)) throw new ArgumentException($"Onnx.Export: the name '{name}' is used twice");
        if (_names.TryGetValue(example, out var other))
            throw new ArgumentException($"Onnx.Export: inputs '{other}' and '{name}' are the same tensor; pass distinct tensors");
        _names[example] = name;
        _firstInput ??= name;
        Graph.Input.Add(new ValueInfoProto { Name = name, Type = OnnxTensors.TypeOf(example.DType, example.Shape, dynamicBatch && example.Dim > 0 ? "batch" : null) });
    }

    /// <summary>Makes a parameter or buffer known by its state-dict name; it becomes an initializer once used.</summary>
    public void AddParameter(Tensor tensor, string name) => _parameters.TryAdd(tensor, name);

    /// <summary>Binds the graph output to the value of result.</summary>
    public void AddOutput(Tensor result, string name, bool dynamicBatch)
    {
        var value = Resolve(result);
        if (_usedNames.Contains(name)) throw new ArgumentException($"Onnx.Export: the output name '{name}' is already the name of an input or initializer");
        Node("Identity", [value], [name]);
        Graph.Output.Add(new ValueInfoProto { Name = name, Type = OnnxTensors.TypeOf(result.DType, result.Shape, dynamicBatch && result.Dim > 0 ? "batch" : null) });
    }

    /// <summary>The name of t's value, adding what it needs to the graph first (walked iteratively: long chains do not overflow the stack).</summary>
    public string Resolve(Tensor root)
    {
        if (_names.TryGetValue(root, out var known)) return known;
        var stack = new Stack<(Tensor Tensor, bool InputsDone)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (t, inputsDone) = stack.Pop();
            if (_names.ContainsKey(t)) continue;
            if (_parameters.TryGetValue(t, out var parameterName))
            {
                CheckNotWritten(t, 0, parameterName);
                Graph.Initializer.Add(OnnxTensors.ToProto(t, parameterName));
                _usedNames.Add(parameterName);
                _names[t] = parameterName;
                continue;
            }
            if (!_tracer.TryGetProducer(t, out var op, out int sequence))
            {
                BindLeaf(t);
                continue;
            }
            if (!inputsDone)
            {
                stack.Push((t, true));
                foreach (var input in op.Inputs)
                    if (input is not null && !_names.ContainsKey(input)) stack.Push((input, false));
                continue;
            }
            CheckNotWritten(t, sequence, op.Name);
            if (op.Inputs.All(i => i is null || _constants.Contains(i)))
            {
                if (FollowsTheBatch(t, out var there)) _names[t] = BatchSizedConstant(t, there);
                else BindConstant(t);   // depends on no input and no parameter: its value is all the graph needs
                continue;
            }
            _names[t] = OpConverter.Convert(op, this);
        }
        return _names[root];
    }

    /// <summary>A tensor no op reported: a constant if it existed before the forward or a creation function made it; else an op with no mapping.</summary>
    private void BindLeaf(Tensor t)
    {
        if (_tracer.TryGetCreation(t, out int sequence, out var madeBy))
        {
            // A number wrapped as a 0-d tensor (x + 2 promoting, x.Eq(0)) is a constant; the flag is set after construction.
            if (madeBy is not null && !t.IsWrappedNumber)
                throw new NotSupportedException(
                    $"Onnx.Export: the forward uses {madeBy} (a tensor of shape {Shapes.Format(t.ShapeArray)}, {t.DType.TorchName()}), which has no ONNX mapping; " +
                    "docs/onnx.md lists the supported ops");
            CheckNotWritten(t, sequence, "a constant");
            if (FollowsTheBatch(t, out var there))
            {
                _names[t] = BatchSizedConstant(t, there);   // a node's output, not a constant: ops on it are not folded
                return;
            }
        }
        else CheckNotWritten(t, 0, "a constant");
        BindConstant(t);
    }

    /// <summary>True when the same value at one sample more has another shape; there is that value.</summary>
    private bool FollowsTheBatch(Tensor t, out Tensor there)
    {
        there = null!;
        return _constantsThere is not null && _constantsThere.TryGetValue(t, out there!) && !Shapes.Equal(t.ShapeArray, there.ShapeArray);
    }

    /// <summary>
    /// A constant whose size follows the batch (Tensor.Zeros([x.Shape[0], h]) for a recurrent state): when every element
    /// is the same number, ConstantOfShape with the batch dims taken from the first input's dim 0; otherwise an error.
    /// </summary>
    private string BatchSizedConstant(Tensor t, Tensor there)
    {
        int batch = BatchSize!.Value;
        var dims = new List<string>();
        if (t.Dim != there.Dim) throw BatchSizedConstantError(t);
        for (int i = 0; i < t.Dim; i++)
        {
            if (t.ShapeArray[i] == there.ShapeArray[i]) dims.Add(Int64s(t.ShapeArray[i]));
            else if (t.ShapeArray[i] == batch && there.ShapeArray[i] == batch + 1)
                dims.Add(Node("Shape", [_firstInput!], null, Attr.Int("start", 0), Attr.Int("end", 1)));
            else throw BatchSizedConstantError(t);
        }
        var values = t.To(DType.Float64).ToArray<double>();
        if (values.Length == 0 || values.Any(v => !v.Equals(values[0]))) throw BatchSizedConstantError(t);
        var shape = dims.Count == 0 ? Int64s() : dims.Count == 1 ? dims[0] : Node("Concat", dims, null, Attr.Int("axis", 0));
        var value = OnnxTensors.ScalarOf("value", values[0], t.DType);
        value.Dims.Add(1);
        return Node("ConstantOfShape", [shape], null, new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
    }

    private static NotSupportedException BatchSizedConstantError(Tensor t) => new(
        $"Onnx.Export: the forward makes a constant of shape {Shapes.Format(t.ShapeArray)} whose size follows the batch and whose elements " +
        "differ (or whose other sizes change too); one graph cannot hold it for every batch size. Build it from the input " +
        "(ZerosLike, Expand) or export with DynamicBatch = false");

    private void BindConstant(Tensor t)
    {
        var name = FreshName("const");
        Graph.Initializer.Add(OnnxTensors.ToProto(t, name));
        _constants.Add(t);
        _names[t] = name;
    }

    private void CheckNotWritten(Tensor t, int sequence, string what)
    {
        if (_tracer.WrittenAfter(t.Storage, sequence) is { } writer)
            throw new NotSupportedException(
                $"Onnx.Export: {writer} writes in place to a tensor the graph reads ({what}, shape {Shapes.Format(t.ShapeArray)}); " +
                "an ONNX graph has no in-place ops: use the out-of-place form (Add instead of Add_)");
    }

    /// <summary>A name not used yet, from a stem ("Gemm" gives Gemm_0, Gemm_1, …).</summary>
    public string FreshName(string stem)
    {
        while (true)
        {
            int n = _counters.GetValueOrDefault(stem);
            _counters[stem] = n + 1;
            var name = $"{stem}_{n}";
            if (_usedNames.Add(name)) return name;
        }
    }

    /// <summary>Adds a node; returns its (first) output's name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, IEnumerable<string>? outputs = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = FreshName(opType) };
        node.Input.AddRange(inputs);
        if (outputs is null) node.Output.Add(node.Name + "_output");
        else node.Output.AddRange(outputs);
        foreach (var o in node.Output) _usedNames.Add(o);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>A 1-D Int64 initializer (a shape, axes, starts): its name.</summary>
    public string Int64s(params long[] values)
    {
        var name = FreshName("const");
        Graph.Initializer.Add(OnnxTensors.Int64s(name, values));
        return name;
    }

    /// <summary>A 0-d initializer of dtype: its name.</summary>
    public string ScalarOf(double value, DType dtype)
    {
        var name = FreshName("const");
        Graph.Initializer.Add(OnnxTensors.ScalarOf(name, value, dtype));
        return name;
    }

    /// <summary>A 1-D initializer of n copies of value: its name (a missing LayerNorm or BatchNorm scale or shift).</summary>
    public string Filled(int n, double value, DType dtype)
    {
        var name = FreshName("const");
        Graph.Initializer.Add(OnnxTensors.ToProto(Tensor.Full([n], value, dtype), name));
        return name;
    }

    /// <summary>The value of t in dtype: t's own name, or a Cast to dtype.</summary>
    public string As(Tensor t, DType dtype)
    {
        var name = Resolve(t);
        return t.DType == dtype ? name : Node("Cast", [name], null, Attr.Int("to", OnnxTensors.ElementType(dtype)));
    }

    /// <summary>ONNX attributes.</summary>
    public static class Attr
    {
        public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

        public static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

        public static AttributeProto Ints(string name, params long[] values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(values);
            return a;
        }

        public static AttributeProto String(string name, string value) =>
            new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    }
}
