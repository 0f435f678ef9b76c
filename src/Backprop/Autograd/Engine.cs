using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// Runs backward over the recorded graph without recursion: one iterative depth-first walk counts,
/// for each node, the edges that lead into it; a node runs once every one of them has delivered,
/// with the sum of what was delivered. A 100,000-op chain needs no deeper stack than a 2-op one.
/// Everything one pass learns (how many edges each node still waits for, the gradients summed so far) lives in that
/// pass's <see cref="GraphTask"/>, as in PyTorch's GraphTask; nodes are not written during a pass. So passes may run
/// at once on several threads, over separate graphs or over one graph kept with retainGraph; gradients that meet in
/// one leaf are summed under that leaf's lock (PyTorch's AccumulateGrad takes a mutex too).
/// </summary>
internal sealed class Engine
{
    private readonly bool _createGraph;
    private readonly Node[]? _captureNodes;
    private readonly Tensor?[]? _captured;

    private Engine(bool createGraph, Node[]? captureNodes)
    {
        _createGraph = createGraph;
        _captureNodes = captureNodes;
        _captured = captureNodes is null ? null : new Tensor?[captureNodes.Length];
    }

    // The pass this engine runs: its nodes reach it through the engine they are handed (Deliver, Accumulate), so no
    // thread-static is read per edge. An engine runs one pass at a time; a hook's nested pass rents another.
    private GraphTask? _task;

    // Engines that capture nothing, kept per thread between passes (one each for createGraph off and on): a training
    // loop allocates none.
    [ThreadStatic] private static Engine? _accumulating, _accumulatingWithGraph;

    /// <summary>Backward from roots with the given output gradients, accumulating into leaves' Grad.</summary>
    public static void Backward(ReadOnlySpan<Tensor> roots, ReadOnlySpan<Tensor> rootGrads, bool retainGraph, bool createGraph)
    {
        Engine engine;
        if (createGraph) (engine, _accumulatingWithGraph) = (_accumulatingWithGraph ?? new(createGraph: true, null), null);
        else (engine, _accumulating) = (_accumulating ?? new(createGraph: false, null), null);
        engine.Run(roots, rootGrads, retainGraph);
        if (createGraph) _accumulatingWithGraph = engine;   // not kept after a failed pass: the next one makes a new one
        else _accumulating = engine;
    }

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
        var task = GraphTask.Rent();
        var ready = task.Ready;
        _task = task;
        try
        {
            Discover(roots, task);
            if (_captureNodes is not null) MarkNeeded(task);

            for (int i = 0; i < roots.Length; i++)
            {
                ref var buffer = ref task.BufferOf(roots[i].GradientEdge!);
                buffer = buffer is null ? rootGrads[i] : buffer.Add(rootGrads[i]);
            }
            foreach (var root in roots)
            {
                var node = root.GradientEdge!;
                if (task.DependenciesOf(node) == 0 && task.BufferOf(node) is not null) ready.Push(new(node));
            }

            while (ready.Count > 0)
            {
                var node = ready.Pop().Node;
                ref var buffer = ref task.BufferOf(node);
                var grad = buffer;
                buffer = null;
                if (grad is not null) Execute(node, grad, retainGraph, task);
                for (int i = 0; i < node.InputCount; i++)
                {
                    var next = node.NextAt(i);
                    if (next is null) continue;
                    if (--task.DependenciesOf(next) == 0) ready.Push(new(next));
                }
            }
        }
        finally
        {
            _task = null;
            task.Return();   // a failed pass's half-summed buffers go with its states
        }
    }

    private void Execute(Node node, Tensor grad, bool retainGraph, GraphTask task)
    {
        if (_captureNodes is not null && !task.NeededOf(node)) return;
        if (node.PreHooks is { } hooks)
        {
            // A hook may keep what it is given or returns: such a gradient is never taken as a leaf's Grad.
            var seen = task.Escaped;
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
            if (!task.MustRunOf(node)) return;   // a target whose inputs lead to no other target
        }

        if (AnomalyMode.IsEnabled) ApplyAnnotated(node, grad);
        else
        {
            node.CheckSaved();
            node.Apply(grad, this);
        }
        if (!retainGraph) node.Release();
    }

    // Apart from Execute, so that the usual step has no exception handler around it.
    private void ApplyAnnotated(Node node, Tensor grad)
    {
        try
        {
            node.CheckSaved();
            node.Apply(grad, this);
        }
        catch (Exception e) when (AnomalyMode.Annotate(node, e))
        {
            throw;   // not reached: Annotate adds the forward stack to e.Data and returns false, so e propagates as it was
        }
    }

    /// <summary>Called by a node for each of its inputs: reduces the gradient to the input's shape and adds it to the next node's buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // once per edge; its few callers are the nodes' Apply
    internal void Deliver(Node from, int input, Tensor? grad)
    {
        if (AnomalyMode.IsEnabled) AnomalyMode.CheckGradient(from, input, grad);
        var next = from.NextAt(input);
        if (grad is null || next is null) return;
        grad = from.FitToInput(input, grad);
        ref var buffer = ref _task!.BufferOf(next);
        // As PyTorch's InputBuffer: the first gradient is kept as it came (others may hold it), the first sum is a new
        // tensor, and later ones add into that sum in place (an LSTM's input projection gets one gradient per time
        // step: a fresh sum each time was half of its allocations). A pass that records (createGraph) keeps every sum.
        if (buffer is null) buffer = grad;
        else if (_task.OwnedOf(next)) buffer.AddInPlaceUnchecked(grad);
        else
        {
            buffer = buffer.Add(grad);
            _task.OwnedOf(next) = !_createGraph;
        }
    }

    /// <summary>AccumulateGrad's step: the first gradient is stored (owned, detached), later ones added.</summary>
    internal void Accumulate(AccumulateGrad node, Tensor grad)
    {
        var leaf = node.Variable;
        // Passes on other threads may reach the same leaf: one sum at a time, so that no contribution is lost.
        node.Enter();
        try
        {
            if (_createGraph)
            {
                leaf.Grad = leaf.Grad is null ? grad : leaf.Grad.Add(grad);
                return;
            }
            if (leaf.Grad is null)
            {
                // Owned and detached: the gradient itself when nothing else can hold its storage, else a copy (Add
                // passes one gradient to both its inputs; a root gradient is the caller's).
                leaf.Grad = _task is { } pass && pass.MayTake(grad, leaf) ? grad : grad.CloneContiguous();
                return;
            }
            // Grad mode is already off here: Run turned it off for a pass that does not create a graph.
            if (leaf.Grad.RequiresGrad) leaf.Grad = leaf.Grad.Detach().Add(grad);
            else leaf.Grad.AddInPlaceUnchecked(grad);
        }
        finally
        {
            node.Exit();
        }
    }

    /// <summary>Visits every node reachable from the roots once, counting incoming edges; returns them in post-order.</summary>
    private static void Discover(ReadOnlySpan<Tensor> roots, GraphTask task)
    {
        var order = task.Order;
        var stack = task.Pending;
        foreach (var root in roots)
        {
            var node = root.GradientEdge!;
            if (!task.Visit(node)) continue;
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
                if (task.Visit(next)) stack.Push(new(next));
                task.DependenciesOf(next)++;
            }
        }
    }

    /// <summary>
    /// For Autograd.Grad: a node must run when one of its inputs leads to a target; it is needed when it must run
    /// or is a target itself. Post-order sees every child before its parents.
    /// </summary>
    private void MarkNeeded(GraphTask task)
    {
        foreach (var (node, _) in task.Order)
        {
            bool mustRun = false;
            for (int i = 0; i < node.InputCount && !mustRun; i++)
                mustRun = node.NextAt(i) is { } next && task.NeededOf(next);
            task.MustRunOf(node) = mustRun && node is not AccumulateGrad;
            task.NeededOf(node) = mustRun || Array.IndexOf(_captureNodes!, node) >= 0;
        }
    }

    /// <summary>
    /// One backward pass's state, as PyTorch's GraphTask: for each node it reaches, the edges still to deliver and the
    /// gradient summed so far; the walk's lists. Kept per thread between passes so that a training loop allocates
    /// nothing for it.
    /// </summary>
    private sealed class GraphTask
    {
        private const int MaxRetained = 1 << 12;   // a huge graph's lists are not kept alive after its pass

        [ThreadStatic] private static GraphTask? _cached;

        // Where a pass keeps its nodes' states. A pass that began while no other was running is alone: it keeps each
        // node's state in the node itself (Node.PassBuffer and the fields beside it, stamped with the pass's number in
        // Node.PassSlot), with no
        // lookup, and clears it as it ends. Every pass that begins while another runs (on another thread, or started
        // by a hook) is shared: it keeps its states in its own array, found through a dictionary, and writes nothing
        // into the nodes. So at most one pass writes nodes at a time, and none reads another's states. Passes are
        // counted and numbered by Storage (PassBegun, PassEnded), whose atomic updates also order one pass's writes
        // to the nodes before the next's.
        private bool _shared;

        private readonly Dictionary<Node, int> _index = new(ReferenceEqualityComparer.Instance);
        private NodeState[] _states = new NodeState[16];   // a shared pass's states, in the order it visited the nodes
        private int _visited;                               // how many of _states are this pass's

        public readonly List<Entry> Order = [];
        public readonly Stack<Entry> Pending = new();
        public readonly Stack<Entry> Ready = new();

        public readonly List<Storage> Escaped = [];

        // From Storage.PassBegun, unique to the pass: storages born during the pass have this number or a later one.
        public long Number;

        /// <summary>True the first time this pass meets node, which then gets a fresh state.</summary>
        public bool Visit(Node node)
        {
            if (_shared) return VisitShared(node);
            if (node.PassSlot == Number) return false;
            node.PassSlot = Number;
            node.PassDependencies = 0;   // its PassBuffer is null: the pass that last used it cleared it
            node.PassNeeded = node.PassMustRun = node.PassOwned = false;
            return true;
        }

        private bool VisitShared(Node node)
        {
            int count = _visited;
            if (!_index.TryAdd(node, count)) return false;
            if (count == _states.Length) Array.Resize(ref _states, 2 * count);
            _states[count] = default;
            _visited = count + 1;
            return true;
        }

        // This pass's state of a node it has visited: the gradients delivered to it so far, summed; the edges into it
        // not yet delivered; for Grad, whether it leads to a captured input and whether it must run to reach another.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref Tensor? BufferOf(Node node)
        {
            if (!_shared) return ref node.PassBuffer;
            return ref SharedStateOf(node).Buffer;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref int DependenciesOf(Node node)
        {
            if (!_shared) return ref node.PassDependencies;
            return ref SharedStateOf(node).Dependencies;
        }

        public ref bool NeededOf(Node node) => ref _shared ? ref SharedStateOf(node).Needed : ref node.PassNeeded;

        public ref bool MustRunOf(Node node) => ref _shared ? ref SharedStateOf(node).MustRun : ref node.PassMustRun;

        public ref bool OwnedOf(Node node) => ref _shared ? ref SharedStateOf(node).Owned : ref node.PassOwned;

        // Out of line: a lone pass never comes here, and the state accessors are inlined at every edge.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private ref NodeState SharedStateOf(Node node) => ref _states[_index[node]];

        public bool MayTake(Tensor grad, Tensor leaf)
        {
            var storage = grad.Storage;
            if (storage.BornBefore(Number) || grad.StorageOffset != 0 || grad.Numel != storage.Length || !grad.IsContiguous
                || grad.DType != leaf.DType || grad.RequiresGrad || HasEscaped(storage))
                return false;
            Escaped.Add(storage);
            return true;
        }

        // By reference, without List.Contains's virtual Equals per element: a step takes one gradient per parameter.
        private bool HasEscaped(Storage storage)
        {
            foreach (var escaped in Escaped)
                if (ReferenceEquals(escaped, storage)) return true;
            return false;
        }

        public static GraphTask Rent()
        {
            var task = _cached ?? new GraphTask();
            _cached = null;
            // Alone only if no other pass was running as it began: the nodes it writes were last written by a pass
            // that has returned. Results made from here on are numbered, so a leaf may take them (MayTake).
            task.Number = Storage.PassBegun(out int running);
            task._shared = running > 1;
            return task;
        }

        public void Return()
        {
            // No gradient kept alive by a finished pass: a lone pass clears the nodes it visited (each is in Order once
            // the walk is complete, and none holds a gradient before that), a shared one its array.
            if (!_shared)
            {
                foreach (var (node, _) in Order) node.PassBuffer = null;
            }
            else
            {
                Array.Clear(_states, 0, _visited);
                _visited = 0;
                _index.Clear();
            }
            Storage.PassEnded();
            if (Order.Count > MaxRetained) return;
            Order.Clear();
            Pending.Clear();
            Ready.Clear();
            Escaped.Clear();
            _cached = this;
        }
    }

    /// <summary>What a shared pass knows of one node (a lone pass keeps the same in the node's Pass fields).</summary>
    private struct NodeState
    {
        public Tensor? Buffer;      // the gradients delivered so far, summed
        public bool Owned;          // Buffer is a sum this pass made, held by nothing else: later gradients add in place
        public int Dependencies;    // edges into the node not yet delivered
        public bool Needed;         // Grad: the node leads to a captured input
        public bool MustRun;        // Grad: the node must run to reach another captured input
    }

    /// <summary>
    /// A node in the pass's lists, with the next edge to visit where that matters. Held in a struct because storing
    /// a derived node into a Node[] checks its type on every store (array covariance); storing a struct does not.
    /// </summary>
    private readonly record struct Entry(Node Node, int Edge = 0);
}
