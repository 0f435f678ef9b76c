namespace Backprop;

/// <summary>
/// An op whose forward and backward you write yourself, which autograd then uses like any built-in op; like
/// torch.autograd.Function. Override <see cref="Forward"/> (it runs with grad mode off; save what backward needs on
/// the context) and <see cref="Backward"/> (one gradient per input, null for an input with none), then call
/// <see cref="Apply"/>:
/// <code>
/// sealed class MySigmoid : Function
/// {
///     protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
///     {
///         var y = 1 / (1 + (-inputs[0]).Exp());
///         ctx.SaveForBackward(y);
///         return y;
///     }
///     protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
///     {
///         var y = ctx.SavedTensors[0]!;
///         return [grad * y * (1 - y)];
///     }
/// }
/// var h = new MySigmoid().Apply(x);   // h.GradFn is &lt;MySigmoidBackward&gt;
/// </code>
/// Non-tensor arguments (a scale, a dim) are constructor arguments of the function object. The object keeps no
/// state of a call (that is on the context), so one instance may be applied many times, from several threads.
/// When Backward is written in tensor ops, a backward with createGraph records it, so second derivatives work.
/// </summary>
public abstract class Function
{
    /// <summary>The grad_fn name of the results, shown in printing and in graph export; like PyTorch's "MyFnBackward" for class MyFn.</summary>
    public virtual string Name => GetType().Name + "Backward";

    /// <summary>Computes the result from the inputs (grad mode is off); like the static forward(ctx, *args).</summary>
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>
    /// The gradient of the loss with respect to each input, given the gradient with respect to the result: one
    /// entry per input (null where there is none, or where <see cref="FunctionContext.NeedsInputGrad"/> is false),
    /// each of the input's shape or one that sums to it; like the static backward(ctx, *grad_outputs).
    /// </summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

    /// <summary>Runs the function on the inputs and records its backward when an input requires grad; like MyFn.apply(*inputs).</summary>
    public Tensor Apply(params Tensor[] inputs)
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
        Tensor output;
        using (new GradModeScope(false)) output = Forward(ctx, inputs)
            ?? throw new InvalidOperationException($"{Name}: Forward returned null; it must return a tensor");
        ctx.EndForward();

        bool dirty = ctx.IsDirty(output);
        if (ctx.DirtyCount > (dirty ? 1 : 0))
            throw new InvalidOperationException(
                $"{Name}: Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.");
        // An input returned as it is becomes a new tensor over the same data (PyTorch returns a view of it), so that
        // the caller's input keeps its own history.
        if (!dirty && Array.Exists(inputs, input => ReferenceEquals(input, output))) output = output.Detach();

        if (!record || ctx.IsNonDifferentiable(output) || !output.DType.IsFloatingPoint())
        {
            ctx.SaveVersions(output, null);
            return output;
        }
        if (dirty)
        {
            if (output.IsLeaf && output.RequiresGrad)
                throw new InvalidOperationException($"{Name}: a leaf Variable that requires grad has been used in an in-place operation.");
            if (output.ViewBase is not null)
                throw new NotSupportedException(
                    $"{Name}: an input modified in place (MarkDirty) that is a view is not supported; pass the tensor it is a view of, or a Clone()");
        }

        var node = new FunctionNode(this, ctx, inputs);   // takes the inputs' edges, before a dirty input's history is replaced
        AnomalyMode.RecordForwardStack(node);
        ctx.SaveVersions(output, node);
        output.SetGradFn(node);
        return output;
    }

    /// <summary>Calls the user's backward and checks what it returned against the inputs.</summary>
    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor gradOutput, IReadOnlyList<(int[] Shape, bool Differentiable)> inputs)
        => CheckGradients(Name, Backward(ctx, gradOutput), inputs);

    /// <summary>
    /// What a backward returned, checked against the inputs as PyTorch checks it (count, shapes that sum to the
    /// input's, floating point); gradients for inputs that need none are dropped.
    /// </summary>
    internal static Tensor?[] CheckGradients(string name, Tensor?[]? grads, IReadOnlyList<(int[] Shape, bool Differentiable)> inputs)
    {
        if (grads is null)
            throw new InvalidOperationException($"function {name} returned null instead of an array of gradients (one per input, null entries allowed)");
        if (grads.Length != inputs.Count)
            throw new InvalidOperationException($"function {name} returned an incorrect number of gradients (expected {inputs.Count}, got {grads.Length})");
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g) continue;
            if (!inputs[i].Differentiable) { grads[i] = null; continue; }   // ignored, as PyTorch ignores it
            if (!ExpandableTo(inputs[i].Shape, g.ShapeArray))
                throw new InvalidOperationException(
                    $"Function {name} returned an invalid gradient at index {i} - got {Shapes.Format(g.ShapeArray)} but expected shape compatible with {Shapes.Format(inputs[i].Shape)}");
            if (!g.DType.IsFloatingPoint())
                throw new InvalidOperationException(
                    $"Function {name} returned an invalid gradient at index {i} - expected a floating point gradient, got {g.DType.TorchName()}");
        }
        return grads;
    }

    /// <summary>Whether shape expands to target under broadcasting (so a gradient of target's shape sums back to it); like is_expandable_to.</summary>
    private static bool ExpandableTo(int[] shape, int[] target)
    {
        if (shape.Length > target.Length) return false;
        for (int i = 1; i <= shape.Length; i++)
        {
            int size = shape[^i];
            if (size != target[^i] && size != 1) return false;
        }
        return true;
    }
}

/// <summary>The graph node of one call of a <see cref="Function"/>: its backward calls the user's.</summary>
internal sealed class FunctionNode : Node
{
    private readonly Function _function;
    private readonly FunctionContext _ctx;
    private readonly (int[] Shape, bool Differentiable)[] _inputs;

    public FunctionNode(Function function, FunctionContext ctx, Tensor[] inputs) : base(function.Name, inputs, default)
    {
        _function = function;
        _ctx = ctx;
        _inputs = new (int[], bool)[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) _inputs[i] = (inputs[i].ShapeArray, inputs[i].RequiresGrad);
    }

    internal override void Apply(Tensor grad, Engine engine)
    {
        var grads = _function.RunBackward(_ctx, grad, _inputs);
        for (int i = 0; i < grads.Length; i++) engine.Deliver(this, i, grads[i]);
    }

    /// <summary>Frees the saved tensors; a later backward that reads them fails as PyTorch's does.</summary>
    internal override void Release() => _ctx.Free();

    private protected override void ReleaseBackward() { }
}
