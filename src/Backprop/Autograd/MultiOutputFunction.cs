namespace Backprop;

/// <summary>
/// A custom function with several outputs (values and indices, a split); like a torch.autograd.Function whose
/// forward returns a tuple. Backward gets one gradient per output, zeros for an output that received none (PyTorch's
/// default, materialize_grads), and returns one per input. Outputs marked non-differentiable do not require grad
/// and get zero gradients. Each differentiable output's GradFn is a node named <see cref="Name"/> whose one next
/// function is the function's own node (also named Name), which runs the backward once for all outputs.
/// </summary>
public abstract class MultiOutputFunction
{
    /// <summary>The grad_fn name of the outputs; like PyTorch's "MyFnBackward" for class MyFn.</summary>
    public virtual string Name => GetType().Name + "Backward";

    /// <summary>Computes the outputs from the inputs (grad mode is off); like the static forward(ctx, *args) returning a tuple.</summary>
    protected abstract Tensor[] Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>One gradient per input (null where there is none) from one gradient per output; like backward(ctx, *grad_outputs).</summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor[] gradOutputs);

    /// <summary>Runs the function and records its backward when an input requires grad; like MyFn.apply(*inputs).</summary>
    public Tensor[] Apply(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"{Name}: input {i} is null");

        bool record = false;
        if (GradMode.IsEnabled)
            foreach (var input in inputs) record |= input.RequiresGrad;
        var needsInputGrad = new bool[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) needsInputGrad[i] = record && inputs[i].RequiresGrad;

        var ctx = new FunctionContext(Name, needsInputGrad);
        Tensor[] outputs;
        using (new GradModeScope(false))
            outputs = (Forward(ctx, inputs) ?? throw new InvalidOperationException($"{Name}: Forward returned null; it must return tensors")).ToArray();
        ctx.EndForward();
        for (int k = 0; k < outputs.Length; k++)
            if (outputs[k] is null) throw new InvalidOperationException($"{Name}: Forward returned null for output {k}");

        foreach (var dirty in ctx.DirtyTensors)
            if (!Array.Exists(outputs, o => ReferenceEquals(o, dirty)))
                throw new InvalidOperationException(
                    $"{Name}: Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.");
        for (int k = 0; k < outputs.Length; k++)
        {
            var output = outputs[k];
            // An input (or an earlier output) returned as it is becomes a new tensor over the same data, so each keeps its own history.
            bool repeated = Array.Exists(inputs, input => ReferenceEquals(input, output)) || Array.FindIndex(outputs, o => ReferenceEquals(o, output)) < k;
            if (repeated && !(ctx.IsDirty(output) && Array.FindIndex(outputs, o => ReferenceEquals(o, output)) == k))
                outputs[k] = output.Detach();
        }

        var differentiable = new List<int>();
        for (int k = 0; k < outputs.Length; k++)
            if (record && !ctx.IsNonDifferentiable(outputs[k]) && outputs[k].DType.IsFloatingPoint()) differentiable.Add(k);
        var nodes = new Node?[outputs.Length];
        if (differentiable.Count == 0)
        {
            ctx.SaveVersions(outputs, nodes);
            return outputs;
        }
        foreach (int k in differentiable)
        {
            var output = outputs[k];
            if (!ctx.IsDirty(output)) continue;
            if (output.IsLeaf && output.RequiresGrad)
                throw new InvalidOperationException($"{Name}: a leaf Variable that requires grad has been used in an in-place operation.");
            if (output.ViewBase is not null)
                throw new NotSupportedException(
                    $"{Name}: an input modified in place (MarkDirty) that is a view is not supported; pass the tensor it is a view of, or a Clone()");
        }

        // The function's node takes one packed gradient: the differentiable outputs' gradients flattened end to end in
        // one dtype. Each output's node places its gradient in its slot (zeros elsewhere), so the engine's sum of
        // what arrives is every output's gradient at once, zeros for those that got none.
        var dtype = differentiable.Any(k => outputs[k].DType == DType.Float64) ? DType.Float64 : DType.Float32;
        var slots = new (int Offset, int Count, int[] Shape, DType DType)[outputs.Length];
        int total = 0;
        foreach (int k in differentiable)
        {
            slots[k] = (total, outputs[k].Numel, outputs[k].ShapeArray, outputs[k].DType);
            total += outputs[k].Numel;
        }
        var node = new MultiOutputFunctionNode(this, ctx, inputs, slots, differentiable.ToArray(), outputs);
        AnomalyMode.RecordForwardStack(node);
        var packed = Tensor.Zeros([total], dtype);   // stands for the packed gradient's edge into node
        packed.SetGradFn(node);
        foreach (int k in differentiable)
        {
            var outputNode = new MultiOutputSlotNode(Name, packed, slots[k].Offset, slots[k].Count, total, dtype);
            AnomalyMode.RecordForwardStack(outputNode);
            outputs[k].SetGradFn(outputNode);
            nodes[k] = outputNode;
        }
        ctx.SaveVersions(outputs, nodes);
        return outputs;
    }

    /// <summary>Calls the user's backward with one gradient per output and checks what it returned.</summary>
    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor[] gradOutputs, IReadOnlyList<(int[] Shape, bool Differentiable)> inputs)
        => Function.CheckGradients(Name, Backward(ctx, gradOutputs), inputs);
}

/// <summary>The node of one call of a <see cref="MultiOutputFunction"/>: unpacks the outputs' gradients and calls the user's backward.</summary>
internal sealed class MultiOutputFunctionNode : Node
{
    private readonly MultiOutputFunction _function;
    private readonly FunctionContext _ctx;
    private readonly (int[] Shape, bool Differentiable)[] _inputs;
    private readonly (int Offset, int Count, int[] Shape, DType DType)[] _slots;
    private readonly bool[] _differentiable;

    public MultiOutputFunctionNode(MultiOutputFunction function, FunctionContext ctx, Tensor[] inputs,
        (int Offset, int Count, int[] Shape, DType DType)[] slots, int[] differentiable, Tensor[] outputs) : base(function.Name, inputs, default)
    {
        _function = function;
        _ctx = ctx;
        _inputs = new (int[], bool)[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) _inputs[i] = (inputs[i].ShapeArray, inputs[i].RequiresGrad);
        _slots = slots;
        _differentiable = new bool[outputs.Length];
        foreach (int k in differentiable) _differentiable[k] = true;
        // A non-differentiable output still gets a zero gradient of its shape, as PyTorch materializes it.
        for (int k = 0; k < outputs.Length; k++)
            if (!_differentiable[k]) _slots[k] = (0, 0, outputs[k].ShapeArray, outputs[k].DType.IsFloatingPoint() ? outputs[k].DType : DType.Float32);
    }

    internal override void Apply(Tensor grad, Engine engine)
    {
        var gradOutputs = new Tensor[_slots.Length];
        for (int k = 0; k < _slots.Length; k++)
        {
            var (offset, count, shape, dtype) = _slots[k];
            gradOutputs[k] = _differentiable[k] ? grad.Narrow(0, offset, count).Reshape(shape).To(dtype) : Tensor.Zeros(shape, dtype);
        }
        var grads = _function.RunBackward(_ctx, gradOutputs, _inputs);
        for (int i = 0; i < grads.Length; i++) engine.Deliver(this, i, grads[i]);
    }

    /// <summary>Frees the saved tensors; a later backward that reads them fails as PyTorch's does.</summary>
    internal override void Release() => _ctx.Free();

    private protected override void ReleaseBackward() { }
}

/// <summary>
/// The grad_fn of one output of a <see cref="MultiOutputFunction"/>, named as the function (a user's name, not a
/// catalog op): places the output's gradient at its slot of the packed gradient that flows to the function's node.
/// </summary>
internal sealed class MultiOutputSlotNode(string name, Tensor packed, int offset, int count, int total, DType dtype)
    : Node(name, [packed], default)
{
    internal override void Apply(Tensor grad, Engine engine)
    {
        var flat = grad.Reshape(-1).To(dtype);
        var parts = new List<Tensor>(3);
        if (offset > 0) parts.Add(Tensor.Zeros([offset], dtype));
        parts.Add(flat);
        if (offset + count < total) parts.Add(Tensor.Zeros([total - offset - count], dtype));
        engine.Deliver(this, 0, parts.Count == 1 ? flat : Tensor.Cat([.. parts]));
    }

    private protected override void ReleaseBackward() { }
}
