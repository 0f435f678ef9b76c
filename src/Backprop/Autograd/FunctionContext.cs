namespace Backprop;

/// <summary>
/// What one call of a <see cref="Function"/> keeps between its forward and its backward: the tensors saved for
/// backward (checked for in-place changes, as PyTorch checks them), which inputs need a gradient, and the marks
/// forward sets on tensors; like the ctx argument of torch.autograd.Function's forward and backward.
/// </summary>
public sealed class FunctionContext
{
    private readonly string _name;
    private readonly bool[] _needsInputGrad;
    private Tensor?[] _saved = [];
    private int[] _versions = [];
    private Node?[] _owners = [];
    private readonly List<Tensor> _dirty = [];
    private readonly List<Tensor> _nonDifferentiable = [];
    private bool _inForward = true;
    private bool _freed;
    private Dictionary<string, object?>? _items;

    internal FunctionContext(string name, bool[] needsInputGrad)
    {
        _name = name;
        _needsInputGrad = needsInputGrad;
    }

    /// <summary>For each input, whether backward must compute its gradient; like ctx.needs_input_grad.</summary>
    public IReadOnlyList<bool> NeedsInputGrad => _needsInputGrad;

    /// <summary>
    /// Non-tensor values forward computes for backward (sizes, flags); like attributes set on ctx. Tensors belong in
    /// <see cref="SaveForBackward"/>, which checks them for in-place changes.
    /// </summary>
    public IDictionary<string, object?> Items => _items ??= [];

    /// <summary>
    /// Keeps tensors (inputs, the output, or intermediates; null entries allowed) for backward, replacing any saved
    /// before; call it in Forward only. Like ctx.save_for_backward(*tensors).
    /// </summary>
    public void SaveForBackward(params Tensor?[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        RequireForward(nameof(SaveForBackward));
        _saved = (Tensor?[])tensors.Clone();
    }

    /// <summary>
    /// The tensors given to <see cref="SaveForBackward"/>. Reading them fails when one was modified in place since
    /// forward returned, or when a backward without retainGraph has freed them; like ctx.saved_tensors.
    /// </summary>
    public IReadOnlyList<Tensor?> SavedTensors
    {
        get
        {
            if (_freed)
                throw new InvalidOperationException(
                    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
                    "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
                    "Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
            if (_inForward) return _saved;
            for (int i = 0; i < _saved.Length; i++)
            {
                if (_saved[i] is not { } t || t.Storage.Version == _versions[i]) continue;
                throw new InvalidOperationException(
                    $"one of the variables needed for gradient computation has been modified by an inplace operation: " +
                    $"[{t.TorchTypeName} {Shapes.Format(t.ShapeArray)}]{(_owners[i] is { } owner ? $", which is output 0 of {owner.Name}," : "")} " +
                    $"is at version {t.Storage.Version}; expected version {_versions[i]} instead.");
            }
            return _saved;
        }
    }

    /// <summary>
    /// Declares inputs that forward modified in place; each must be the tensor forward returns, which then takes
    /// this function as its history. Like ctx.mark_dirty(*tensors).
    /// </summary>
    public void MarkDirty(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        RequireForward(nameof(MarkDirty));
        _dirty.AddRange(tensors);
    }

    /// <summary>Declares the output not differentiable: it does not require grad (an index, a rounding); like ctx.mark_non_differentiable.</summary>
    public void MarkNonDifferentiable(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        RequireForward(nameof(MarkNonDifferentiable));
        _nonDifferentiable.AddRange(tensors);
    }

    internal int DirtyCount => _dirty.Count;

    internal bool IsDirty(Tensor t) => _dirty.Exists(d => ReferenceEquals(d, t));

    internal bool IsNonDifferentiable(Tensor t) => _nonDifferentiable.Exists(d => ReferenceEquals(d, t));

    internal void EndForward() => _inForward = false;

    /// <summary>
    /// Notes each saved tensor's version once forward has returned (as PyTorch saves them then, so forward's own
    /// in-place writes are allowed) and the node that made it: node for the function's own output.
    /// </summary>
    internal void SaveVersions(Tensor output, Node? node) => SaveVersions([output], [node]);

    /// <summary>As the one-output form: nodes[k] is reported as the maker of outputs[k].</summary>
    internal void SaveVersions(Tensor[] outputs, Node?[] nodes)
    {
        _versions = new int[_saved.Length];
        _owners = new Node?[_saved.Length];
        for (int i = 0; i < _saved.Length; i++)
        {
            if (_saved[i] is not { } t) continue;
            _versions[i] = t.Storage.Version;
            int k = Array.FindIndex(outputs, o => ReferenceEquals(o, t));
            _owners[i] = k >= 0 ? nodes[k] : t.GradFn;
        }
    }

    internal IEnumerable<Tensor> DirtyTensors => _dirty;

    /// <summary>Drops the saved tensors after a backward without retainGraph.</summary>
    internal void Free()
    {
        if (_saved.Length == 0) return;
        _saved = [];
        _freed = true;
    }

    private void RequireForward(string method)
    {
        if (!_inForward) throw new InvalidOperationException($"{_name}: {method} can only be called in Forward");
    }
}
