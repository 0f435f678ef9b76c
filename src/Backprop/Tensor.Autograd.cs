namespace Backprop;

public partial class Tensor
{
    private bool _requiresGrad;
    private Node? _gradFn;
    private AccumulateGrad? _gradAccumulator;
    private bool _retainsGrad;

    /// <summary>True when autograd records ops on this tensor; like tensor.requires_grad.</summary>
    public bool RequiresGrad => _requiresGrad || _gradFn is not null;

    /// <summary>The backward node of the op that made this tensor; null for leaves; like tensor.grad_fn.</summary>
    public Node? GradFn => _gradFn;

    /// <summary>True for tensors made by the user rather than by a recorded op; like tensor.is_leaf.</summary>
    public bool IsLeaf => _gradFn is null;

    /// <summary>The gradient accumulated by Backward (leaves, and non-leaves after RetainGrad); like tensor.grad.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True after RetainGrad on a non-leaf; like tensor.retains_grad.</summary>
    public bool RetainsGrad => _retainsGrad;

    /// <summary>Sets whether autograd should record ops on this leaf, in place; like tensor.requires_grad_(flag).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        if (!IsLeaf)
        {
            if (!requiresGrad)
                throw new InvalidOperationException(
                    "RequiresGrad_: you can only change requires_grad flags of leaf variables. If you want to use a computed variable " +
                    "in a subgraph that doesn't require differentiation use Detach().");
            return this;
        }
        if (requiresGrad && !DType.IsFloatingPoint())
            throw new InvalidOperationException($"RequiresGrad_: only tensors of floating point dtype can require gradients (got {DType.TorchName()})");
        _requiresGrad = requiresGrad;
        return this;
    }

    /// <summary>The node a gradient for this tensor flows into: its GradFn, or its AccumulateGrad if it is a leaf that requires grad.</summary>
    internal Node? GradientEdge => _gradFn ?? (_requiresGrad ? _gradAccumulator ??= new AccumulateGrad(this) : null);

    internal void SetGradFn(Node node) => _gradFn = node;

    /// <summary>A view of the same data that is cut off from the graph; like tensor.detach().</summary>
    public Tensor Detach() => Tracing.Op(new Tensor(Storage, StorageOffset, ShapeArray, StrideArray), OpCatalog.Traced.Detach, this);

    /// <summary>Makes Backward fill Grad for this non-leaf too; like tensor.retain_grad().</summary>
    public void RetainGrad()
    {
        if (!RequiresGrad) throw new InvalidOperationException("RetainGrad: can't retain_grad on Tensor that has requires_grad=False");
        if (IsLeaf || _retainsGrad) return;
        _retainsGrad = true;
        _gradFn!.AddPreHook(g =>
        {
            using (Autograd.NoGrad())
                Grad = Grad is null ? g.Detach().CloneContiguous() : Grad.Add(g);
            return null;
        });
    }

    /// <summary>
    /// Registers a function called with this tensor's gradient during backward; returning a tensor replaces the
    /// gradient, returning null keeps it. Dispose the handle to remove it. Like tensor.register_hook.
    /// </summary>
    public HookHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        if (!RequiresGrad) throw new InvalidOperationException("RegisterHook: cannot register a hook on a tensor that doesn't require gradient");
        return GradientEdge!.AddPreHook(hook);
    }

    /// <summary>Backpropagates from this scalar (gradient 1) into every leaf that requires grad; like tensor.backward().</summary>
    public void Backward(bool retainGraph = false, bool createGraph = false) => Backward(null, retainGraph, createGraph);

    /// <summary>Backpropagates with the given gradient of some scalar with respect to this tensor; like tensor.backward(gradient).</summary>
    public void Backward(Tensor? gradient, bool retainGraph = false, bool createGraph = false)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("Backward: element 0 of tensors does not require grad and does not have a grad_fn");
        gradient = Autograd.CheckOutputGradient(this, gradient, 0);
        Engine.Backward([this], [gradient], retainGraph || createGraph, createGraph);
    }

    /// <summary>Sets Grad to null, or zeroes it in place; like tensor.grad = None / tensor.grad.zero_().</summary>
    public void ZeroGrad(bool setToNull = true)
    {
        if (setToNull || Grad is null) { Grad = null; return; }
        using (Autograd.NoGrad()) Grad.Zero_();
    }

    internal string TorchTypeName => DType switch
    {
        DType.Float32 => "torch.FloatTensor",
        DType.Float64 => "torch.DoubleTensor",
        DType.Int64 => "torch.LongTensor",
        _ => "torch.BoolTensor",
    };
}
