using System.Globalization;
using System.Text;

namespace Backprop;

/// <summary>
/// Renders a tensor exactly as PyTorch 1.13's torch._tensor_str does: one element width for the whole tensor, chosen
/// by an <see cref="ElementFormat"/> from the values shown; rows wrapped to the line width; big tensors summarised
/// with "..."; suffixes for dtype, size and autograd. Values are read through the view's strides, so
/// non-contiguous views print their logical values and a summarised print touches only the elements it shows.
/// </summary>
internal sealed class TensorFormatter
{
    private const string Prefix = "tensor(";

    private readonly Tensor _t;
    private readonly PrintOptions _o;
    private readonly bool _summarize;
    private readonly ElementFormat _format;

    private TensorFormatter(Tensor t, PrintOptions o)
    {
        _t = t;
        _o = o;
        _summarize = t.Numel > o.Threshold;
        _format = new ElementFormat(t.DType, o);
        // The width is decided by the values that will be shown (torch's get_summarized_data), not by all of them.
        VisitShown(_format.Observe);
        _format.Complete();
    }

    public static string Format(Tensor t, PrintOptions o)
    {
        int indent = Prefix.Length;
        var suffixes = new List<string>();
        string body;
        if (t.Numel == 0)
        {
            // An empty tensor shows its size unless it is 1-D, and its dtype unless float32: there are no values to tell it.
            if (t.Dim != 1) suffixes.Add("size=" + PythonTuple(t.ShapeArray));
            if (t.DType != DType.Float32) suffixes.Add("dtype=" + t.DType.TorchName());
            body = "[]";
        }
        else
        {
            // float32 (the default dtype), int64 and bool are recognisable from the values; float64 is named.
            if (t.DType == DType.Float64) suffixes.Add("dtype=" + t.DType.TorchName());
            body = new TensorFormatter(t, o).Body(indent);
        }
        if (t.GradFn is { } fn) suffixes.Add($"grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(Prefix + body, suffixes, indent, o.LineWidth);
    }

    /// <summary>Appends ", suffix" items, moving one to a new line when the current line would pass the line width.</summary>
    private static string AddSuffixes(string text, List<string> suffixes, int indent, int lineWidth)
    {
        var sb = new StringBuilder(text);
        // torch measures the last line as len − rfind("\n") + 1, two more than its length; kept for identical wrapping.
        int lastLine = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLine + suffix.Length + 2 > lineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLine = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLine += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    private static string PythonTuple(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>The indices printed along a dim of this size: all, or the edge items at both ends when summarising.</summary>
    private int[] Shown(int size, bool vector)
    {
        int edge = _o.EdgeItems;
        if (!_summarize || size <= 2 * edge)
        {
            var all = new int[size];
            for (int i = 0; i < size; i++) all[i] = i;
            return all;
        }
        // torch slices a vector's tail as t[-edge:], which for edge = 0 is the whole vector
        int tail = vector && edge == 0 ? size : edge;
        var kept = new int[edge + tail];
        for (int i = 0; i < edge; i++) kept[i] = i;
        for (int i = 0; i < tail; i++) kept[edge + i] = size - tail + i;
        return kept;
    }

    private bool Elided(int size) => _summarize && size > 2 * _o.EdgeItems;

    /// <summary>
    /// Calls visit with the storage offset of every element shown, in order. An odometer over the dims, not a
    /// recursion per dim: a tensor of 30,000 dims prints without exhausting the stack.
    /// </summary>
    private void VisitShown(Action<Tensor, int> visit)
    {
        int rank = _t.Dim;
        if (rank == 0) { visit(_t, _t.StorageOffset); return; }
        var shown = new int[rank][];
        for (int d = 0; d < rank; d++) shown[d] = Shown(_t.ShapeArray[d], d == rank - 1);
        var position = new int[rank];
        while (true)
        {
            int offset = _t.StorageOffset;
            for (int d = 0; d < rank; d++) offset += shown[d][position[d]] * _t.StrideArray[d];
            visit(_t, offset);
            int dim = rank - 1;
            while (dim >= 0 && ++position[dim] == shown[dim].Length) position[dim--] = 0;
            if (dim < 0) return;
        }
    }

    /// <summary>
    /// The nested-list text of the tensor: torch's _tensor_str_with_formatter, written as one walk over the shown
    /// indices with a position per dim instead of a recursion per dim. Each k-d block opens with "[", its sub-blocks
    /// (or "..." where a summarised dim is elided) are separated by "," and k − 1 newlines plus the block's indent,
    /// and the innermost rows wrap to the line width.
    /// </summary>
    private string Body(int indent)
    {
        int rank = _t.Dim;
        if (rank == 0) return _format.Format(_t, _t.StorageOffset);
        var sb = new StringBuilder();
        if (rank == 1) { AppendRow(sb, _t.StorageOffset, indent + rank - 1); return sb.ToString(); }
        // entries[d]: the indices shown along dim d, with −1 where "..." stands
        var entries = new int[rank - 1][];
        for (int d = 0; d < rank - 1; d++)
        {
            var shown = Shown(_t.ShapeArray[d], vector: false).ToList();
            if (Elided(_t.ShapeArray[d])) shown.Insert(_o.EdgeItems, -1);
            entries[d] = [.. shown];
        }
        var position = new int[rank - 1];
        var offsets = new int[rank - 1];
        int dim = 0;
        offsets[0] = _t.StorageOffset;
        sb.Append('[');
        while (true)
        {
            // dim (< rank − 1) is open; emit its entry at position[dim]
            if (position[dim] > 0)
                sb.Append(',').Append('\n', rank - dim - 1).Append(' ', indent + dim + 1);
            int index = entries[dim][position[dim]];
            if (index < 0) sb.Append("...");
            else
            {
                int child = offsets[dim] + index * _t.StrideArray[dim];
                if (dim + 1 == rank - 1) AppendRow(sb, child, indent + rank - 1);
                else
                {
                    dim++;
                    offsets[dim] = child;
                    position[dim] = 0;
                    sb.Append('[');
                    continue;
                }
            }
            // next entry of this dim, closing every block that is done
            while (++position[dim] == entries[dim].Length)
            {
                sb.Append(']');
                if (dim == 0) return sb.ToString();
                dim--;
            }
        }
    }

    /// <summary>The last dim starting at storage offset: as many elements per line as fit in the line width after the indent.</summary>
    private void AppendRow(StringBuilder sb, int offset, int indent)
    {
        int dim = _t.Dim - 1, size = _t.ShapeArray[dim], stride = _t.StrideArray[dim];
        var items = new List<string>();
        foreach (int i in Shown(size, vector: true)) items.Add(_format.Format(_t, offset + i * stride));
        if (Elided(size)) items.Insert(_o.EdgeItems, " ...");
        int perLine = Math.Max(1, (int)Math.Floor((double)(_o.LineWidth - indent) / (_format.Width + 2)));
        sb.Append('[');
        for (int k = 0; k < items.Count; k++)
        {
            if (k > 0)
            {
                if (k % perLine == 0) sb.Append(",\n").Append(' ', indent + 1);
                else sb.Append(", ");
            }
            sb.Append(items[k]);
        }
        sb.Append(']');
    }

    /// <summary>
    /// torch's _Formatter: picks integer, fixed or scientific notation and one width for the whole tensor from the
    /// nonzero finite values shown, then pads every element to that width on the left.
    /// </summary>
    private sealed class ElementFormat(DType dtype, PrintOptions options)
    {
        private readonly bool _floating = dtype.IsFloatingPoint();
        private readonly int _precision = options.Precision;
        private bool _intMode = true;
        private bool _sciMode;
        private double _minAbs = double.PositiveInfinity, _maxAbs;
        private bool _anyNonzeroFinite;
        private readonly List<double> _nonzeroFinite = [];

        public int Width { get; private set; } = 1;

        public void Observe(Tensor t, int index)
        {
            if (!_floating)
            {
                Width = Math.Max(Width, Raw(t, index).Length);
                return;
            }
            double v = Value(t, index);
            if (!double.IsFinite(v) || v == 0) return;
            _anyNonzeroFinite = true;
            _nonzeroFinite.Add(v);
            double a = Math.Abs(v);
            _minAbs = Math.Min(_minAbs, a);
            _maxAbs = Math.Max(_maxAbs, a);
            if (v != Math.Ceiling(v)) _intMode = false;
        }

        public void Complete()
        {
            if (!_floating || !_anyNonzeroFinite) return;   // torch returns early here: even a forced sci mode is not applied
            bool wide = _maxAbs / _minAbs > 1000.0 || _maxAbs > 1.0e8;
            _sciMode = _intMode ? wide : wide || _minAbs < 1.0e-4;
            foreach (var v in _nonzeroFinite)
            {
                int length = _sciMode ? Scientific(v).Length
                    : _intMode ? Fixed(v, 0).Length + 1   // room for the "." that marks a float
                    : Fixed(v, _precision).Length;
                Width = Math.Max(Width, length);
            }
            _nonzeroFinite.Clear();
            if (options.SciMode is { } forced) _sciMode = forced;
        }

        public string Format(Tensor t, int index)
        {
            string text;
            if (!_floating) text = Raw(t, index);
            else
            {
                double v = Value(t, index);
                if (_sciMode) text = Scientific(v);
                else if (_intMode) text = double.IsFinite(v) ? Fixed(v, 0) + "." : Fixed(v, 0);
                else text = Fixed(v, _precision);
            }
            return text.Length >= Width ? text : new string(' ', Width - text.Length) + text;
        }

        private static double Value(Tensor t, int index) => t.DType == DType.Float32 ? Dispatch.Element<float>(t, index) : Dispatch.Element<double>(t, index);

        private static string Raw(Tensor t, int index) => t.DType switch
        {
            DType.Int64 => Dispatch.Element<long>(t, index).ToString(CultureInfo.InvariantCulture),
            DType.Bool => Dispatch.Element<bool>(t, index) ? "True" : "False",
            _ => throw new InvalidOperationException($"ToString: unexpected dtype {t.DType.TorchName()}"),
        };

        // .NET's "F" and "E" round the exact binary value half-to-even, digit for digit as Python's format does.
        private static string Fixed(double v, int digits) =>
            NonFinite(v) ?? v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        /// <summary>Python's "{:.Ne}": mantissa, "e", sign and at least two exponent digits.</summary>
        private string Scientific(double v)
        {
            if (NonFinite(v) is { } special) return special;
            string s = v.ToString("E" + _precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int e = s.IndexOf('E');
            int exponent = int.Parse(s.AsSpan(e + 1), CultureInfo.InvariantCulture);
            return s[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }

        private static string? NonFinite(double v) =>
            double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : null;
    }
}
