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

    /// <summary>Backward from roots with the given output gradients, accumulating into leaves' Grad.</summary>
    public static void Backward(Tensor[] roots, Tensor[] rootGrads, bool retainGraph, bool createGraph)
        => new Engine(createGraph, null).Run(roots, rootGrads, retainGraph);

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

    private void Run(Tensor[] roots, Tensor[] rootGrads, bool retainGraph)
    {
        using var mode = new GradModeScope(_createGraph);
        var order = Discover(roots);
        if (_captureNodes is not null) MarkNeeded(order);

        var ready = new Stack<Node>();
        for (int i = 0; i < roots.Length; i++)
        {
            var node = roots[i].GradientEdge!;
            node.GradBuffer = node.GradBuffer is null ? rootGrads[i] : node.GradBuffer.Add(rootGrads[i]);
        }
        foreach (var root in roots)
        {
            var node = root.GradientEdge!;
            if (node.Dependencies == 0 && node.GradBuffer is not null) ready.Push(node);
        }

        try
        {
            while (ready.Count > 0)
            {
                var node = ready.Pop();
                var grad = node.GradBuffer;
                node.GradBuffer = null;
                if (grad is not null) Execute(node, grad, retainGraph);
                foreach (var next in node.Next)
                {
                    if (next is null) continue;
                    if (--next.Dependencies == 0) ready.Push(next);
                }
            }
        }
        finally
        {
            // A failed pass must not leave half-summed buffers for the next one.
            foreach (var node in order)
            {
                node.GradBuffer = null;
                node.Dependencies = 0;
            }
        }
    }

    private void Execute(Node node, Tensor grad, bool retainGraph)
    {
        if (_captureNodes is not null && !node.Needed) return;
        if (node.PreHooks is { } hooks)
            foreach (var hook in hooks.ToArray())
                grad = hook(grad) ?? grad;

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

        node.CheckSaved();
        node.Apply(grad, this);
        if (!retainGraph) node.Release();
    }

    /// <summary>Called by a node for each of its inputs: reduces the gradient to the input's shape and adds it to the next node's buffer.</summary>
    internal void Deliver(Node from, int input, Tensor? grad)
    {
        var next = from.Next[input];
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
            leaf.Grad = grad.Detach().CloneContiguous();
            return;
        }
        using (Autograd.NoGrad())
        {
            if (leaf.Grad.RequiresGrad) leaf.Grad = leaf.Grad.Detach().Add(grad);
            else leaf.Grad.AddInPlaceUnchecked(grad);
        }
    }

    /// <summary>Visits every node reachable from the roots once, counting incoming edges; returns them in post-order.</summary>
    private static List<Node> Discover(Tensor[] roots)
    {
        int mark = Interlocked.Increment(ref _lastMark);
        var order = new List<Node>();
        var stack = new Stack<(Node Node, int Edge)>();
        foreach (var root in roots)
        {
            var node = root.GradientEdge!;
            if (node.VisitMark == mark) continue;
            node.VisitMark = mark;
            node.Dependencies = 0;
            stack.Push((node, 0));
            while (stack.Count > 0)
            {
                var (current, edge) = stack.Pop();
                if (edge == current.Next.Length)
                {
                    order.Add(current);
                    continue;
                }
                stack.Push((current, edge + 1));
                var next = current.Next[edge];
                if (next is null) continue;
                if (next.VisitMark != mark)
                {
                    next.VisitMark = mark;
                    next.Dependencies = 0;
                    stack.Push((next, 0));
                }
                next.Dependencies++;
            }
        }
        return order;
    }

    /// <summary>
    /// For Autograd.Grad: a node must run when one of its inputs leads to a target; it is needed when it must run
    /// or is a target itself. Post-order sees every child before its parents.
    /// </summary>
    private void MarkNeeded(List<Node> postOrder)
    {
        foreach (var node in postOrder)
        {
            bool mustRun = false;
            foreach (var next in node.Next)
                if (next is not null && next.Needed) { mustRun = true; break; }
            node.MustRun = mustRun && node is not AccumulateGrad;
            node.Needed = mustRun || Array.IndexOf(_captureNodes!, node) >= 0;
        }
    }
}
