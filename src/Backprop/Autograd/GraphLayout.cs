namespace Backprop;

/// <summary>
/// A directed acyclic graph to draw: boxes of one or more text lines, and edges between them. Built by
/// <see cref="Autograd.ToLayeredGraph"/> from a recorded autograd graph, or by hand for any other DAG.
/// </summary>
public sealed class LayeredGraph
{
    private readonly List<GraphBox> _nodes = [];
    private readonly List<(int From, int To)> _edges = [];

    /// <summary>The boxes, indexed by the id <see cref="AddNode"/> returned.</summary>
    public IReadOnlyList<GraphBox> Nodes => _nodes;

    /// <summary>The edges, as (from, to) node ids.</summary>
    public IReadOnlyList<(int From, int To)> Edges => _edges;

    /// <summary>Adds a box with its text lines and a kind (a CSS class in the SVG, e.g. "op", "leaf"); returns its id.</summary>
    public int AddNode(IReadOnlyList<string> lines, string kind = "node")
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(kind);
        _nodes.Add(new GraphBox(_nodes.Count, lines.ToArray(), kind));
        return _nodes.Count - 1;
    }

    /// <summary>Adds an edge from one box to another (drawn as an arrow pointing at to).</summary>
    public void AddEdge(int from, int to)
    {
        if ((uint)from >= (uint)_nodes.Count || (uint)to >= (uint)_nodes.Count)
            throw new ArgumentOutOfRangeException(nameof(from), $"LayeredGraph.AddEdge: nodes {from} -> {to}, but the graph has {_nodes.Count} nodes");
        if (from == to) throw new ArgumentException($"LayeredGraph.AddEdge: a self-loop on node {from} cannot be layered", nameof(to));
        _edges.Add((from, to));
    }
}

/// <summary>One box of a <see cref="LayeredGraph"/>.</summary>
public sealed record GraphBox(int Id, IReadOnlyList<string> Lines, string Kind);

/// <summary>A box placed by <see cref="GraphLayout.Compute"/>: its layer, its order within the layer, and its rectangle.</summary>
public sealed record PlacedBox(GraphBox Box, int Layer, int Order, double X, double Y, double Width, double Height)
{
    /// <summary>The horizontal centre.</summary>
    public double CenterX => X + Width / 2;
}

/// <summary>An edge placed by <see cref="GraphLayout.Compute"/>: the points of its polyline, from the source's bottom to the target's top.</summary>
public sealed record PlacedEdge(int From, int To, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A finished layout: every box and edge placed, and the size of the drawing.</summary>
public sealed record GraphLayoutResult(IReadOnlyList<PlacedBox> Boxes, IReadOnlyList<PlacedEdge> Edges, double Width, double Height);

/// <summary>Sizes used by <see cref="GraphLayout.Compute"/>, in SVG user units (pixels).</summary>
public sealed record GraphLayoutOptions
{
    /// <summary>The font size of box text.</summary>
    public double FontSize { get; init; } = 12;

    /// <summary>Estimated advance of one character (a monospace font at <see cref="FontSize"/> is about 0.6 em).</summary>
    public double CharWidth { get; init; } = 7.4;

    /// <summary>Height of one text line.</summary>
    public double LineHeight { get; init; } = 16;

    /// <summary>Padding inside a box.</summary>
    public double Padding { get; init; } = 8;

    /// <summary>Horizontal gap between neighbouring boxes of a layer.</summary>
    public double NodeGap { get; init; } = 24;

    /// <summary>Vertical gap between layers.</summary>
    public double LayerGap { get; init; } = 48;

    /// <summary>Margin around the drawing.</summary>
    public double Margin { get; init; } = 12;

    /// <summary>Sweeps of crossing reduction (each a pass down and a pass up).</summary>
    public int Sweeps { get; init; } = 8;
}

/// <summary>
/// A layered (Sugiyama-style) layout of a DAG, drawn top to bottom: every node gets a layer by the longest path
/// from a source, edges spanning several layers get bend points (virtual nodes) in the layers between, the order
/// within each layer is chosen by barycentre sweeps that reduce crossings, and x coordinates pull each node toward
/// its neighbours while keeping the order and the gaps. Deterministic: the same graph gives the same drawing.
/// Used for autograd graphs (torchviz draws these with Graphviz's dot, which works the same way).
/// </summary>
public static class GraphLayout
{
    /// <summary>Places every box and edge of graph; throws if the graph has a cycle.</summary>
    public static GraphLayoutResult Compute(LayeredGraph graph, GraphLayoutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new GraphLayoutOptions();
        int n = graph.Nodes.Count;
        if (n == 0) return new GraphLayoutResult([], [], 2 * options.Margin, 2 * options.Margin);

        int[] layer = AssignLayers(graph);

        // Vertices: the real nodes, then one virtual vertex per layer crossed by a long edge.
        var vertexLayer = new List<int>(layer);
        var down = new List<List<int>>();   // successors in the next layer
        var up = new List<List<int>>();     // predecessors in the previous layer
        for (int i = 0; i < n; i++) { down.Add([]); up.Add([]); }
        var chains = new List<List<int>>();  // per edge: the vertices it passes through, from source to target
        foreach (var (from, to) in graph.Edges)
        {
            var chain = new List<int> { from };
            int previous = from;
            for (int l = layer[from] + 1; l < layer[to]; l++)
            {
                int v = vertexLayer.Count;
                vertexLayer.Add(l);
                down.Add([]);
                up.Add([]);
                down[previous].Add(v);
                up[v].Add(previous);
                chain.Add(v);
                previous = v;
            }
            down[previous].Add(to);
            up[to].Add(previous);
            chain.Add(to);
            chains.Add(chain);
        }

        int layers = layer.Max() + 1;
        var order = new List<int>[layers];
        for (int l = 0; l < layers; l++) order[l] = [];
        for (int v = 0; v < vertexLayer.Count; v++) order[vertexLayer[v]].Add(v);
        ReduceCrossings(order, up, down, options.Sweeps);

        // Sizes: real boxes from their text, virtual vertices are points.
        var width = new double[vertexLayer.Count];
        var height = new double[vertexLayer.Count];
        for (int v = 0; v < n; v++)
        {
            var lines = graph.Nodes[v].Lines;
            int longest = lines.Count == 0 ? 1 : lines.Max(s => s.Length);
            width[v] = Math.Max(longest, 3) * options.CharWidth + 2 * options.Padding;
            height[v] = Math.Max(lines.Count, 1) * options.LineHeight + 2 * options.Padding;
        }

        double[] x = AssignX(order, up, down, width, options.NodeGap);
        double minLeft = double.MaxValue;
        for (int v = 0; v < x.Length; v++) minLeft = Math.Min(minLeft, x[v] - width[v] / 2);
        double shift = options.Margin - minLeft, drawingWidth = 0;
        for (int v = 0; v < x.Length; v++)
        {
            x[v] += shift;
            drawingWidth = Math.Max(drawingWidth, x[v] + width[v] / 2 + options.Margin);
        }

        // y: each layer as tall as its tallest box; boxes centred in their layer's band.
        var layerTop = new double[layers];
        var layerHeight = new double[layers];
        for (int v = 0; v < n; v++) layerHeight[layer[v]] = Math.Max(layerHeight[layer[v]], height[v]);
        double y = options.Margin;
        for (int l = 0; l < layers; l++)
        {
            layerTop[l] = y;
            y += layerHeight[l] + options.LayerGap;
        }
        double drawingHeight = y - options.LayerGap + options.Margin;

        var boxes = new PlacedBox[n];
        for (int v = 0; v < n; v++)
        {
            int l = layer[v];
            double top = layerTop[l] + (layerHeight[l] - height[v]) / 2;
            boxes[v] = new PlacedBox(graph.Nodes[v], l, order[l].IndexOf(v), x[v] - width[v] / 2, top, width[v], height[v]);
        }

        var edges = new List<PlacedEdge>(chains.Count);
        for (int e = 0; e < chains.Count; e++)
        {
            var chain = chains[e];
            var points = new List<(double X, double Y)>();
            var source = boxes[chain[0]];
            points.Add((source.CenterX, source.Y + source.Height));
            for (int i = 1; i < chain.Count - 1; i++)
            {
                int v = chain[i], l = vertexLayer[v];
                points.Add((x[v], layerTop[l]));
                points.Add((x[v], layerTop[l] + layerHeight[l]));
            }
            var target = boxes[chain[^1]];
            points.Add((target.CenterX, target.Y));
            edges.Add(new PlacedEdge(chain[0], chain[^1], points));
        }
        return new GraphLayoutResult(boxes, edges, drawingWidth, drawingHeight);
    }

    /// <summary>Longest path from a source (Kahn's topological order); a cycle is refused by name.</summary>
    private static int[] AssignLayers(LayeredGraph graph)
    {
        int n = graph.Nodes.Count;
        var indegree = new int[n];
        var successors = new List<int>[n];
        for (int i = 0; i < n; i++) successors[i] = [];
        foreach (var (from, to) in graph.Edges)
        {
            successors[from].Add(to);
            indegree[to]++;
        }
        var layer = new int[n];
        var ready = new Queue<int>();
        for (int i = 0; i < n; i++) if (indegree[i] == 0) ready.Enqueue(i);
        int seen = 0;
        while (ready.Count > 0)
        {
            int v = ready.Dequeue();
            seen++;
            foreach (int w in successors[v])
            {
                layer[w] = Math.Max(layer[w], layer[v] + 1);
                if (--indegree[w] == 0) ready.Enqueue(w);
            }
        }
        if (seen != n) throw new ArgumentException($"GraphLayout.Compute: the graph has a cycle ({n - seen} of {n} nodes are on or behind one)", nameof(graph));
        return layer;
    }

    /// <summary>Barycentre sweeps, down then up, keeping the order with the fewest crossings seen.</summary>
    private static void ReduceCrossings(List<int>[] order, List<List<int>> up, List<List<int>> down, int sweeps)
    {
        var position = new double[up.Count];
        void Index()
        {
            foreach (var row in order)
                for (int i = 0; i < row.Count; i++) position[row[i]] = i;
        }
        Index();
        var best = order.Select(r => r.ToList()).ToArray();
        long bestCrossings = Crossings(order, down, position);
        for (int s = 0; s < sweeps && bestCrossings > 0; s++)
        {
            for (int l = 1; l < order.Length; l++) SortByBarycentre(order[l], up, position);
            Index();
            for (int l = order.Length - 2; l >= 0; l--) SortByBarycentre(order[l], down, position);
            Index();
            long crossings = Crossings(order, down, position);
            if (crossings < bestCrossings)
            {
                bestCrossings = crossings;
                best = order.Select(r => r.ToList()).ToArray();
            }
        }
        for (int l = 0; l < order.Length; l++) order[l] = best[l];
    }

    private static void SortByBarycentre(List<int> row, List<List<int>> neighbours, double[] position)
    {
        // A vertex with no neighbours on that side keeps its place (its own position as the key); ties keep the order.
        var keyed = row.Select((v, i) => (v, key: neighbours[v].Count == 0 ? position[v] : neighbours[v].Average(u => position[u]), i)).ToList();
        keyed.Sort((a, b) => a.key != b.key ? a.key.CompareTo(b.key) : a.i.CompareTo(b.i));
        for (int i = 0; i < row.Count; i++)
        {
            row[i] = keyed[i].v;
            position[row[i]] = i;
        }
    }

    /// <summary>Edge crossings between every pair of neighbouring layers.</summary>
    internal static long Crossings(List<int>[] order, List<List<int>> down, double[] position)
    {
        long total = 0;
        for (int l = 0; l + 1 < order.Length; l++)
        {
            var segments = new List<(double A, double B)>();
            foreach (int v in order[l])
                foreach (int w in down[v]) segments.Add((position[v], position[w]));
            for (int i = 0; i < segments.Count; i++)
                for (int j = i + 1; j < segments.Count; j++)
                    if ((segments[i].A - segments[j].A) * (segments[i].B - segments[j].B) < 0) total++;
        }
        return total;
    }

    /// <summary>
    /// x centres: each layer packed left to right with the gaps, then sweeps that move every vertex toward the mean
    /// of its neighbours' centres, each layer resolved left to right and right to left so no two boxes overlap.
    /// </summary>
    private static double[] AssignX(List<int>[] order, List<List<int>> up, List<List<int>> down, double[] width, double gap)
    {
        var x = new double[width.Length];
        foreach (var row in order)
        {
            double left = 0;
            foreach (int v in row)
            {
                x[v] = left + width[v] / 2;
                left += width[v] + gap;
            }
        }
        for (int sweep = 0; sweep < 12; sweep++)
        {
            bool downward = sweep % 2 == 0;
            for (int k = 0; k < order.Length; k++)
            {
                var row = order[downward ? k : order.Length - 1 - k];
                var desired = new double[row.Count];
                for (int i = 0; i < row.Count; i++)
                {
                    int v = row[i];
                    var neighbours = up[v].Concat(down[v]).ToList();
                    desired[i] = neighbours.Count == 0 ? x[v] : neighbours.Average(u => x[u]);
                }
                Place(row, desired, width, gap, x);
            }
        }
        return x;
    }

    /// <summary>Puts row's vertices as near their desired centres as the order and gaps allow (averaging two greedy passes).</summary>
    private static void Place(List<int> row, double[] desired, double[] width, double gap, double[] x)
    {
        int count = row.Count;
        var fromLeft = new double[count];
        var fromRight = new double[count];
        for (int i = 0; i < count; i++)
        {
            fromLeft[i] = desired[i];
            if (i > 0) fromLeft[i] = Math.Max(fromLeft[i], fromLeft[i - 1] + (width[row[i - 1]] + width[row[i]]) / 2 + gap);
        }
        for (int i = count - 1; i >= 0; i--)
        {
            fromRight[i] = desired[i];
            if (i < count - 1) fromRight[i] = Math.Min(fromRight[i], fromRight[i + 1] - (width[row[i + 1]] + width[row[i]]) / 2 - gap);
        }
        // The mean of two orderings that each keep the gaps keeps them too.
        for (int i = 0; i < count; i++) x[row[i]] = (fromLeft[i] + fromRight[i]) / 2;
    }
}
