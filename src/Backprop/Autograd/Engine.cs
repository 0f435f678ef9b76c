namespace Backprop;

/// <summary>
/// Runs backward over the recorded graph without recursion: one iterative depth-first walk counts,
/// for each node, the edges that lead into it; a node runs once every one of them has delivered,
/// with the sum of what was delivered. A 100,000-op chain needs no deeper stack than a 2-op one.
/// Not for two concurrent backward passes over one shared graph (as in PyTorch, without its locks).
/// </summary>
internal sealed class Engine
{
    private static int _lastMark;

    private readonly bool _createGraph;
    private readonly Node[]? _captureNodes;
    private readonly Tensor?[]? _captured;

    private Engine(bool createGraph, Node[]? captureNodes)
    {
        _createGraph = createGraph;
        _captureNodes = captureNodes;
        _captured = captureNodes is null ? null : new Tensor?[captureNodes.Length];
    }

    // A backward pass that captures nothing keeps no state in its engine: one each for createGraph off and on.
    private static readonly Engine Accumulating = new(createGraph: false, null), AccumulatingWithGraph = new(createGraph: true, null);

    /// <summary>Backward from roots with the given output gradients, accumulating into leaves' Grad.</summary>
    public static void Backward(ReadOnlySpan<Tensor> roots, ReadOnlySpan<Tensor> rootGrads, bool retainGraph, bool createGraph)
        => (createGraph ? AccumulatingWithGraph : Accumulating).Run(roots, rootGrads, retainGraph);

    /// <summary>The gradients of roots with respect to inputs, without touching any Grad; like torch.autograd.grad.</summary>
    public static Tensor?[] Grad(Tensor[] roots, Tensor[] rootGrads, Tensor[] inputs, bool retainGraph, bool createGraph)
    {
        var nodes = new Node[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad)
                throw new ArgumentException($"Autograd.Grad: input {i} does not require grad");
            nodes[i] = inputs[i].GradientEdge!;
        }
        var engine = new Engine(createGraph, nodes);
        engine.Run(roots, rootGrads, retainGraph);
        return engine._captured!;
    }

    private void Run(ReadOnlySpan<Tensor> roots, ReadOnlySpan<Tensor> rootGrads, bool retainGraph)
    {
        using var mode = new GradModeScope(_createGraph);
        var workspace = Workspace.Rent();
        var order = workspace.Order;
        var ready = workspace.Ready;
        var outer = Workspace.Running;   // a hook may run a pass of its own
        Workspace.Running = workspace;
        workspace.BornAfter = StoragePool.Births;
        try
        {
            Discover(roots, order, workspace.Pending);
            if (_captureNodes is not null) MarkNeeded(order);

            for (int i = 0; i < roots.Length; i++)
            {
                var node = roots[i].GradientEdge!;
                node.GradBuffer = node.GradBuffer is null ? rootGrads[i] : node.GradBuffer.Add(rootGrads[i]);
            }
            foreach (var root in roots)
            {
                var node = root.GradientEdge!;
                if (node.Dependencies == 0 && node.GradBuffer is not null) ready.Push(new(node));
            }

            while (ready.Count > 0)
            {
                var node = ready.Pop().Node;
                var grad = node.GradBuffer;
                node.GradBuffer = null;
                if (grad is not null) Execute(node, grad, retainGraph);
                for (int i = 0; i < node.InputCount; i++)
                {
                    var next = node.NextAt(i);
                    if (next is null) continue;
                    if (--next.Dependencies == 0) ready.Push(new(next));
                }
            }
        }
        finally
        {
            // A failed pass must not leave half-summed buffers for the next one.
            foreach (var (node, _) in order)
            {
                node.GradBuffer = null;
                node.Dependencies = 0;
            }
            Workspace.Running = outer;
            workspace.Return();
        }
    }

    private void Execute(Node node, Tensor grad, bool retainGraph)
    {
        if (_captureNodes is not null && !node.Needed) return;
        if (node.PreHooks is { } hooks)
        {
            // A hook may keep what it is given or returns: such a gradient is never taken as a leaf's Grad.
            var seen = Workspace.Running!.Escaped;
            seen.Add(grad.Storage);
            foreach (var hook in hooks.ToArray())
            {
                grad = hook(grad) ?? grad;
                seen.Add(grad.Storage);
            }
        }

        if (_captureNodes is not null)
        {
            int index = Array.IndexOf(_captureNodes, node);
            if (index >= 0)
            {
                for (int i = index; i < _captureNodes.Length; i++)
                    if (_captureNodes[i] == node) _captured![i] = grad;
            }
            if (!node.MustRun) return;   // a target whose inputs lead to no other target
        }

        try
        {
            node.CheckSaved();
            node.Apply(grad, this);
        }
        catch (Exception e) when (AnomalyMode.IsEnabled && AnomalyMode.Annotate(node, e))
        {
            throw;   // not reached: Annotate adds the forward stack to e.Data and returns false, so e propagates as it was
        }
        if (!retainGraph) node.Release();
    }

    /// <summary>Called by a node for each of its inputs: reduces the gradient to the input's shape and adds it to the next node's buffer.</summary>
    internal void Deliver(Node from, int input, Tensor? grad)
    {
        if (AnomalyMode.IsEnabled) AnomalyMode.CheckGradient(from, input, grad);
        var next = from.NextAt(input);
        if (grad is null || next is null) return;
        grad = from.FitToInput(input, grad);
        next.GradBuffer = next.GradBuffer is null ? grad : next.GradBuffer.Add(grad);
    }

    /// <summary>AccumulateGrad's step: the first gradient is stored (owned, detached), later ones added.</summary>
    internal void Accumulate(Tensor leaf, Tensor grad)
    {
        if (_createGraph)
        {
            leaf.Grad = leaf.Grad is null ? grad : leaf.Grad.Add(grad);
            return;
        }
        if (leaf.Grad is null)
        {
            // Owned and detached: the gradient itself when nothing else can hold its storage, else a copy (Add passes
            // one gradient to both its inputs; a root gradient is the caller's).
            leaf.Grad = Workspace.Running is { } pass && pass.MayTake(grad, leaf) ? grad : grad.CloneContiguous();
            return;
        }
        // Grad mode is already off here: Run turned it off for a pass that does not create a graph.
        if (leaf.Grad.RequiresGrad) leaf.Grad = leaf.Grad.Detach().Add(grad);
        else leaf.Grad.AddInPlaceUnchecked(grad);
    }

    /// <summary>Visits every node reachable from the roots once, counting incoming edges; returns them in post-order.</summary>
    private static void Discover(ReadOnlySpan<Tensor> roots, List<Entry> order, Stack<Entry> stack)
    {
        int mark = Interlocked.Increment(ref _lastMark);
        foreach (var root in roots)
        {
            var node = root.GradientEdge!;
            if (node.VisitMark == mark) continue;
            node.VisitMark = mark;
            node.Dependencies = 0;
            stack.Push(new(node));
            while (stack.Count > 0)
            {
                var (current, edge) = stack.Pop();
                if (edge == current.InputCount)
                {
                    order.Add(new(current));
                    continue;
                }
                stack.Push(new(current, edge + 1));
                var next = current.NextAt(edge);
                if (next is null) continue;
                if (next.VisitMark != mark)
                {
                    next.VisitMark = mark;
                    next.Dependencies = 0;
                    stack.Push(new(next));
                }
                next.Dependencies++;
            }
        }
    }

    /// <summary>
    /// For Autograd.Grad: a node must run when one of its inputs leads to a target; it is needed when it must run
    /// or is a target itself. Post-order sees every child before its parents.
    /// </summary>
    private void MarkNeeded(List<Entry> postOrder)
    {
        foreach (var (node, _) in postOrder)
        {
            bool mustRun = false;
            for (int i = 0; i < node.InputCount && !mustRun; i++)
                mustRun = node.NextAt(i) is { Needed: true };
            node.MustRun = mustRun && node is not AccumulateGrad;
            node.Needed = mustRun || Array.IndexOf(_captureNodes!, node) >= 0;
        }
    }

    /// <summary>
    /// The lists one pass walks with, kept per thread between passes so that a small graph's backward allocates
    /// none. A backward started inside another (from a hook) finds none cached and makes its own.
    /// </summary>
    private sealed class Workspace
    {
        private const int MaxRetained = 1 << 12;   // a huge graph's lists are not kept alive after its pass

        [ThreadStatic] private static Workspace? _cached;

        /// <summary>The workspace of the pass running on this thread (the innermost, when a hook runs a pass).</summary>
        [ThreadStatic] public static Workspace? Running;

        public readonly List<Entry> Order = [];
        public readonly Stack<Entry> Pending = new();
        public readonly Stack<Entry> Ready = new();

        /// <summary>Storages that something outside the pass may hold: taken as a leaf's Grad, or shown to a hook.</summary>
        public readonly List<Storage> Escaped = [];

        /// <summary><see cref="StoragePool.Births"/> when the pass began: storages born after it were made by the pass.</summary>
        public long BornAfter;

        /// <summary>
        /// Whether grad may become leaf's Grad as it is, PyTorch's "steal" in AccumulateGrad (there: when nothing
        /// else holds a reference). Here: its storage is a pooled one made during this pass (so neither the caller's
        /// gradient nor a forward tensor), the tensor is all of it, contiguous, of the leaf's dtype, and no other leaf
        /// took it and no hook saw it. Small gradients are copied as before: copying them costs little.
        /// </summary>
        public bool MayTake(Tensor grad, Tensor leaf)
        {
            var storage = grad.Storage;
            if (storage.Birth <= BornAfter || grad.StorageOffset != 0 || grad.Numel != storage.Length || !grad.IsContiguous
                || grad.DType != leaf.DType || grad.RequiresGrad || Escaped.Contains(storage))
                return false;
            Escaped.Add(storage);
            return true;
        }

        public static Workspace Rent()
        {
            var workspace = _cached ?? new Workspace();
            _cached = null;
            return workspace;
        }

        /// <summary>Empties the lists (they must not keep a graph alive) and caches them for the next pass.</summary>
        public void Return()
        {
            if (Order.Count > MaxRetained) return;
            Order.Clear();
            Pending.Clear();
            Ready.Clear();
            Escaped.Clear();
            _cached = this;
        }
    }

    /// <summary>
    /// A node in the pass's lists, with the next edge to visit where that matters. Held in a struct because storing
    /// a derived node into a Node[] checks its type on every store (array covariance); storing a struct does not.
    /// </summary>
    private readonly record struct Entry(Node Node, int Edge = 0);
}
