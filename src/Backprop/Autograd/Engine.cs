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
        Storage.PassBegun();   // results made from here on are numbered: a leaf may take them (MayTake)
        task.BornAfter = Storage.BornSoFar;
        try
        {
            Discover(roots, task);
            if (_captureNodes is not null) MarkNeeded(task);

            for (int i = 0; i < roots.Length; i++)
            {
                ref var state = ref task.StateOf(roots[i].GradientEdge!);
                state.Buffer = state.Buffer is null ? rootGrads[i] : state.Buffer.Add(rootGrads[i]);
            }
            foreach (var root in roots)
            {
                var node = root.GradientEdge!;
                ref var state = ref task.StateOf(node);
                if (state.Dependencies == 0 && state.Buffer is not null) ready.Push(new(node));
            }

            while (ready.Count > 0)
            {
                var node = ready.Pop().Node;
                ref var state = ref task.StateOf(node);
                var grad = state.Buffer;
                state.Buffer = null;
                state.Owned = false;
                if (grad is not null) Execute(node, grad, retainGraph, task);
                for (int i = 0; i < node.InputCount; i++)
                {
                    var next = node.NextAt(i);
                    if (next is null) continue;
                    if (--task.StateOf(next).Dependencies == 0) ready.Push(new(next));
                }
            }
        }
        finally
        {
            Storage.PassEnded();
            _task = null;
            task.Return();   // a failed pass's half-summed buffers go with its states
        }
    }

    private void Execute(Node node, Tensor grad, bool retainGraph, GraphTask task)
    {
        if (_captureNodes is not null && !task.StateOf(node).Needed) return;
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
            if (!task.StateOf(node).MustRun) return;   // a target whose inputs lead to no other target
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
        ref var state = ref _task!.StateOf(next);
        // As PyTorch's InputBuffer: the first gradient is kept as it came (others may hold it), the first sum is a new
        // tensor, and later ones add into that sum in place (an LSTM's input projection gets one gradient per time
        // step: a fresh sum each time was half of its allocations). A pass that records (createGraph) keeps every sum.
        if (state.Buffer is null) state.Buffer = grad;
        else if (state.Owned) state.Buffer.AddInPlaceUnchecked(grad);
        else
        {
            state.Buffer = state.Buffer.Add(grad);
            state.Owned = !_createGraph;
        }
    }

    /// <summary>AccumulateGrad's step: the first gradient is stored (owned, detached), later ones added.</summary>
    internal void Accumulate(AccumulateGrad node, Tensor grad)
    {
        var leaf = node.Variable;
        // Passes on other threads may reach the same leaf: one sum at a time, so that no contribution is lost.
        lock (node.Gate)
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
                task.StateOf(next).Dependencies++;
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
                mustRun = node.NextAt(i) is { } next && task.StateOf(next).Needed;
            ref var state = ref task.StateOf(node);
            state.MustRun = mustRun && node is not AccumulateGrad;
            state.Needed = mustRun || Array.IndexOf(_captureNodes!, node) >= 0;
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

        // A node's index in _states is kept in the node's PassSlot (this pass's id and the index in one long, written
        // whole). While this pass is the only one that has run since it started, a slot holding another id can only be
        // stale, and the slot is all the record a pass needs: no hash per node. Once another pass may have written
        // slots (a pass on another thread, or one started by a hook), this pass keeps a dictionary, built from the
        // nodes it visited in order, and reads it wherever its slot was overwritten.
        private const int IndexBits = 24;
        private const long IndexMask = (1L << IndexBits) - 1;
        private static readonly Lock Passes = new();
        private static long _lastId;    // the newest pass's id; under Passes
        private static int _running;    // passes begun and not yet returned; under Passes
        private long _id;
        private bool _shared;           // another pass may have written slots of this pass's nodes: _index is the record

        private readonly List<Entry> _visited = [];
        private readonly Dictionary<Node, int> _index = new(ReferenceEqualityComparer.Instance);
        private NodeState[] _states = new NodeState[16];

        public readonly List<Entry> Order = [];
        public readonly Stack<Entry> Pending = new();
        public readonly Stack<Entry> Ready = new();

        public readonly List<Storage> Escaped = [];

        public long BornAfter;

        /// <summary>True the first time this pass meets node, which then gets a fresh state.</summary>
        public bool Visit(Node node)
        {
            if (Volatile.Read(ref node.PassSlot) >> IndexBits == _id) return false;
            // A slot with another id: stale, unless a pass that began after this one may have overwritten it.
            if (!_shared && Volatile.Read(ref _lastId) != _id) Share();
            int count = _visited.Count;
            if (count > IndexMask && !_shared) Share();   // the slot cannot hold the index
            if (_shared && !_index.TryAdd(node, count)) return false;
            _visited.Add(new(node));
            if (count == _states.Length) Array.Resize(ref _states, 2 * count);
            _states[count] = default;
            if (count <= IndexMask) Volatile.Write(ref node.PassSlot, _id << IndexBits | (uint)count);
            return true;
        }

        /// <summary>This pass's state of a node it has visited.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref NodeState StateOf(Node node)
        {
            long slot = Volatile.Read(ref node.PassSlot);
            if (slot >> IndexBits == _id) return ref _states[(int)(slot & IndexMask)];
            Share();
            return ref _states[_index[node]];
        }

        /// <summary>From now on the dictionary is the record of which state is whose.</summary>
        private void Share()
        {
            if (_shared) return;
            for (int i = 0; i < _visited.Count; i++) _index.Add(_visited[i].Node, i);
            _shared = true;
        }

        public bool MayTake(Tensor grad, Tensor leaf)
        {
            var storage = grad.Storage;
            if (storage.Birth <= BornAfter || grad.StorageOffset != 0 || grad.Numel != storage.Length || !grad.IsContiguous
                || grad.DType != leaf.DType || grad.RequiresGrad || Escaped.Contains(storage))
                return false;
            Escaped.Add(storage);
            return true;
        }

        public static GraphTask Rent()
        {
            var task = _cached ?? new GraphTask();
            _cached = null;
            // One lock orders every pass's start against every other's: a pass that saw no other running gets the
            // newest id, so any pass that begins later changes _lastId before it writes a slot (2^39 passes before an
            // id could repeat).
            lock (Passes)
            {
                task._id = ++_lastId;
                task._shared = ++_running > 1;
            }
            return task;
        }

        public void Return()
        {
            lock (Passes) _running--;
            Array.Clear(_states, 0, _visited.Count);   // no gradient kept alive by a finished pass
            if (Order.Count > MaxRetained) return;
            _visited.Clear();
            _index.Clear();
            Order.Clear();
            Pending.Clear();
            Ready.Clear();
            Escaped.Clear();
            _cached = this;
        }
    }

    /// <summary>What one pass knows of one node.</summary>
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
