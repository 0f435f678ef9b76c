namespace Backprop;

/// <summary>
/// A step of the recorded graph: the backward function of the op that made a tensor; like a
/// tensor's grad_fn in PyTorch. Edges point at the nodes of the op's inputs (null where an input
/// needs no gradient); leaves that require grad end in an <see cref="AccumulateGrad"/> node.
/// </summary>
public abstract class Node
{
    // One edge per input: the input's node (null where no gradient is needed) and the shape and dtype a gradient
    // must be fitted to. Most ops have one or two inputs, so the first two live in fields; any more in an array.
    // The dtypes sit apart from the edges so that the runtime packs them with the other small fields: every op
    // recorded allocates a node, and its size is what a small network's step pays for in allocation.
    private readonly int _inputCount;
    private readonly InputEdge _input0, _input1;
    private readonly DType _dtype0, _dtype1;
    private readonly (InputEdge Edge, DType DType)[]? _moreInputs;
    private SavedTensors _saved;
    private bool _released;

    // The op's declaration (OpDecl), or the name of a node named at run time (string): one field for both.
    private readonly object _declaration;

    internal List<Func<Tensor, Tensor?>>? PreHooks;

    // The number of the last lone backward pass that reached this node, and that pass's state of it: a pass that runs
    // while no other does keeps its states here (Engine.GraphTask); passes that overlap another keep their own. Plain
    // fields, not a struct, so that the runtime lays them out near the object's start with the other references and
    // numbers, on the cache line a pass reads anyway.
    internal long PassSlot;
    internal Tensor? PassBuffer;
    internal int PassDependencies;
    internal bool PassNeeded, PassMustRun, PassOwned;

    /// <summary>
    /// A node for an op with one tensor input; numberOperand adds a second input with no edge, the number of
    /// a tensor-and-scalar op (x * 2 has next_functions (x's node, None) in PyTorch).
    /// </summary>
    private protected Node(OpDecl op, Tensor input, SavedTensors saved, bool numberOperand)
    {
        _declaration = op;
        _inputCount = numberOperand ? 2 : 1;
        (_input0, _dtype0) = (new InputEdge(input), input.DType);
        _saved = saved;
    }

    private protected Node(OpDecl op, Tensor a, Tensor b, SavedTensors saved)
    {
        _declaration = op;
        _inputCount = 2;
        (_input0, _dtype0) = (new InputEdge(a), a.DType);
        (_input1, _dtype1) = (new InputEdge(b), b.DType);
        _saved = saved;
    }

    private protected Node(OpDecl op, Tensor[] inputs, SavedTensors saved) : this((object)op, inputs, saved) { }

    /// <summary>A node named at run time, not by the catalog: a custom Function's nodes (its class name + "Backward").</summary>
    private protected Node(string name, Tensor[] inputs, SavedTensors saved) : this((object)name, inputs, saved) { }

    private Node(object declaration, Tensor[] inputs, SavedTensors saved)
    {
        _declaration = declaration;
        _inputCount = inputs.Length;
        if (inputs.Length > 0) (_input0, _dtype0) = (new InputEdge(inputs[0]), inputs[0].DType);
        if (inputs.Length > 1) (_input1, _dtype1) = (new InputEdge(inputs[1]), inputs[1].DType);
        if (inputs.Length > 2)
        {
            _moreInputs = new (InputEdge, DType)[inputs.Length - 2];
            for (int i = 2; i < inputs.Length; i++) _moreInputs[i - 2] = (new InputEdge(inputs[i]), inputs[i].DType);
        }
        _saved = saved;
    }

    private protected Node(string name) => _declaration = name;

    /// <summary>The op's backward name as PyTorch prints it, e.g. "MulBackward0".</summary>
    public string Name => _declaration as string ?? ((OpDecl)_declaration).GradFn;

    /// <summary>
    /// The declaration of the op this node is the backward of (its <see cref="OpDecl.GradFn"/> is <see cref="Name"/>);
    /// null for the nodes named at run time: custom Functions, module hooks, AccumulateGrad.
    /// </summary>
    internal OpDecl? Op => _declaration as OpDecl;

    /// <summary>The nodes the gradient flows to next, one per input (null for inputs that need none); like grad_fn.next_functions.</summary>
    public IReadOnlyList<Node?> NextFunctions
    {
        get
        {
            var next = new Node?[_inputCount];
            for (int i = 0; i < next.Length; i++) next[i] = NextAt(i);
            return next;
        }
    }

    /// <summary>How many inputs the op had (edges, some of them null).</summary>
    internal int InputCount => _inputCount;

    /// <summary>The node of input i, or null when that input needs no gradient.</summary>
    internal Node? NextAt(int i) => Input(i).Next;

    private ref readonly InputEdge Input(int i)
    {
        if (i == 0) return ref _input0;
        if (i == 1) return ref _input1;
        return ref _moreInputs![i - 2].Edge;
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}>";

    /// <summary>Registers a hook on the gradient arriving at this node; it may return a replacement.</summary>
    internal HookHandle AddPreHook(Func<Tensor, Tensor?> hook)
    {
        PreHooks ??= [];
        PreHooks.Add(hook);
        return new HookHandle(PreHooks, hook);
    }

    /// <summary>Computes the input gradients from the output gradient and hands each to the engine.</summary>
    internal abstract void Apply(Tensor grad, Engine engine);

    /// <summary>Checks that the saved tensors are still usable: not freed, not modified in place.</summary>
    internal void CheckSaved()
    {
        if (_released)
            throw new InvalidOperationException(
                $"Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed): " +
                $"the saved intermediate values of {Name} were freed by the first Backward(). " +
                "Specify retainGraph: true if you need to backward through the graph a second time or access saved tensors after calling Backward.");
        _saved.CheckVersions();
    }

    /// <summary>Frees what backward saved; a later backward through this node then fails clearly.</summary>
    internal virtual void Release()
    {
        if (!_saved.IsEmpty)
        {
            _released = true;
            _saved = default;
            ReleaseBackward();
        }
    }

    private protected abstract void ReleaseBackward();

    /// <summary>Called once the op's result exists: saved copies of it are reported as this node's output.</summary>
    internal void SetOutput(Tensor output) => _saved.SetOutputOwner(output, this);

    /// <summary>Makes a gradient fit input i: summed over broadcast dims, cast to the input's dtype.</summary>
    internal Tensor FitToInput(int i, Tensor grad)
    {
        var (shape, dtype) = i switch
        {
            0 => (_input0.Shape, _dtype0),
            1 => (_input1.Shape, _dtype1),
            _ => (_moreInputs![i - 2].Edge.Shape, _moreInputs[i - 2].DType),
        };
        if (!Shapes.Equal(grad.ShapeArray, shape)) grad = grad.SumToShape(shape);
        if (grad.DType != dtype) grad = grad.To(dtype);
        return grad;
    }

    private readonly struct InputEdge(Tensor input)
    {
        public readonly Node? Next = input.GradientEdge;
        public readonly int[] Shape = input.ShapeArray;
    }
}

/// <summary>The tensors an op saved for its backward, with their versions and owners at the time of saving.</summary>
internal struct SavedTensors
{
    private Tensor? _a, _b, _c;
    private int _va, _vb, _vc;
    private bool _number;
    // The node that made each saved tensor (its grad_fn then): named in the error message, built only when thrown.
    private Node? _oa, _ob, _oc;

    public SavedTensors(Tensor? a, Tensor? b = null, Tensor? c = null)
    {
        _a = a; _b = b; _c = c;
        _va = a?.Storage.Version ?? 0;
        _vb = b?.Storage.Version ?? 0;
        _vc = c?.Storage.Version ?? 0;
        _oa = a?.GradFn; _ob = b?.GradFn; _oc = c?.GradFn;
    }

    /// <summary>
    /// What an op of a tensor and a number saves when it needs only the number (x * 2 saves the 2 in PyTorch, as
    /// a wrapped 0-d tensor): nothing to check, but freed all the same, so a second backward fails as it does there.
    /// </summary>
    public static SavedTensors Number => new() { _number = true };

    public readonly bool IsEmpty => _a is null && _b is null && _c is null && !_number;

    /// <summary>Names the node as the owner of any saved tensor that is the op's own result (saved before the node existed).</summary>
    public void SetOutputOwner(Tensor output, Node node)
    {
        if (ReferenceEquals(_a, output)) _oa = node;
        if (ReferenceEquals(_b, output)) _ob = node;
        if (ReferenceEquals(_c, output)) _oc = node;
    }

    public readonly void CheckVersions()
    {
        Check(_a, _va, _oa);
        Check(_b, _vb, _ob);
        Check(_c, _vc, _oc);
    }

    // PyTorch's message, so that a search for it finds the explanations written for PyTorch.
    private static void Check(Tensor? t, int version, Node? owner)
    {
        if (t is null || t.Storage.Version == version) return;
        throw new InvalidOperationException(
            $"one of the variables needed for gradient computation has been modified by an inplace operation: " +
            $"[{t.TorchTypeName} {Shapes.Format(t.ShapeArray)}]{(owner is null ? "" : $", which is output 0 of {owner.Name},")} is at version {t.Storage.Version}; " +
            $"expected version {version} instead.");
    }
}

/// <summary>
/// A node whose op had one tensor input (and perhaps a number): backward returns that input's gradient. It is
/// handed state, what the op passed for it (the tensors and numbers it needs), so that the backward can be a
/// static lambda: nothing is allocated for it when the op is not recorded.
/// </summary>
internal sealed class UnaryNode<TState>(OpDecl op, Tensor input, TState state, Func<Tensor, TState, Tensor?> backward,
    SavedTensors saved, bool numberOperand) : Node(op, input, saved, numberOperand)
{
    private TState _state = state;
    private Func<Tensor, TState, Tensor?>? _backward = backward;

    internal override void Apply(Tensor grad, Engine engine) => engine.Deliver(this, 0, _backward!(grad, _state));

    private protected override void ReleaseBackward()
    {
        _backward = null;
        _state = default!;
    }
}

/// <summary>A node whose op had two inputs: backward returns both gradients as a pair; state as for <see cref="UnaryNode{TState}"/>.</summary>
internal sealed class BinaryNode<TState>(OpDecl op, Tensor a, Tensor b, TState state, Func<Tensor, TState, (Tensor?, Tensor?)> backward,
    SavedTensors saved) : Node(op, a, b, saved)
{
    private TState _state = state;
    private Func<Tensor, TState, (Tensor?, Tensor?)>? _backward = backward;

    internal override void Apply(Tensor grad, Engine engine)
    {
        var (ga, gb) = _backward!(grad, _state);
        engine.Deliver(this, 0, ga);
        engine.Deliver(this, 1, gb);
    }

    private protected override void ReleaseBackward()
    {
        _backward = null;
        _state = default!;
    }
}

/// <summary>A node whose op had any number of inputs: backward returns one gradient per input.</summary>
internal sealed class NaryNode(OpDecl op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, SavedTensors saved)
    : Node(op, inputs, saved)
{
    private Func<Tensor, Tensor?[]>? _backward = backward;

    internal override void Apply(Tensor grad, Engine engine)
    {
        var grads = _backward!(grad);
        for (int i = 0; i < grads.Length; i++) engine.Deliver(this, i, grads[i]);
    }

    private protected override void ReleaseBackward() => _backward = null;
}

/// <summary>The end of the graph at a leaf that requires grad: adds the arriving gradient into the leaf's Grad.</summary>
public sealed class AccumulateGrad : Node
{
    internal AccumulateGrad(Tensor variable) : base("AccumulateGrad") => Variable = variable;

    /// <summary>The leaf tensor whose Grad this node fills; like AccumulateGrad.variable.</summary>
    public Tensor Variable { get; }

    // Taken while a pass sums into the leaf's Grad: passes on several threads may reach one leaf. One atomic exchange
    // takes it and a plain store releases it (a Lock's release is a second atomic operation, and a step of a small
    // network takes one per parameter); a pass that finds it taken spins, then yields and sleeps (SpinWait).
    private int _summing;

    internal void Enter()
    {
        if (Interlocked.Exchange(ref _summing, 1) != 0) WaitToEnter();
    }

    private void WaitToEnter()
    {
        var spin = new SpinWait();
        while (Interlocked.Exchange(ref _summing, 1) != 0) spin.SpinOnce();
    }

    internal void Exit() => Volatile.Write(ref _summing, 0);

    internal override void Apply(Tensor grad, Engine engine) => engine.Accumulate(this, grad);

    private protected override void ReleaseBackward() { }
}

/// <summary>Removes a hook when disposed; like the handle PyTorch's register_hook returns.</summary>
public sealed class HookHandle : IDisposable
{
    private readonly List<Func<Tensor, Tensor?>> _hooks;
    private readonly Func<Tensor, Tensor?> _hook;

    internal HookHandle(List<Func<Tensor, Tensor?>> hooks, Func<Tensor, Tensor?> hook)
    {
        _hooks = hooks;
        _hook = hook;
    }

    /// <summary>Unregisters the hook; like handle.remove().</summary>
    public void Dispose() => _hooks.Remove(_hook);
}
