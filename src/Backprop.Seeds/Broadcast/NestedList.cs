using System.Globalization;
using Backprop.Seeds.Texts;

namespace Backprop.Seeds.Broadcast;

/// <summary>
/// A tensor written as Python writes nested lists: "[1,2,3]", "[[1],[2],[3]]", "[]", or a bare number for a 0-d tensor;
/// parsed into its values (row-major) and shape, refusing ragged lists.
/// </summary>
public sealed record NestedList(double[] Values, int[] Shape)
{
    public string Text { get; init; } = "";

    /// <summary>torch.Tensor(list): float32.</summary>
    public Tensor ToTensor() => Tensor.From(Values.Select(v => (float)v).ToArray(), Shape);

    public static NestedList Parse(string optionName, string text)
    {
        var parser = new Parser(optionName, text);
        var (values, shape) = parser.ParseAll();
        return new NestedList(values.ToArray(), shape) { Text = text };
    }

    private sealed class Parser(string option, string text)
    {
        private int _pos;
        private readonly List<double> _values = [];

        public (List<double> Values, int[] Shape) ParseAll()
        {
            SkipSpace();
            var shape = ParseValue(depth: 0);
            SkipSpace();
            if (_pos != text.Length) throw Error(Language.Format(SeedText.NestedList_Unexpected, text[_pos]));
            return (_values, shape);
        }

        /// <summary>Parses a number or a list; returns the shape below this point.</summary>
        private int[] ParseValue(int depth)
        {
            if (depth > 32) throw Error(SeedText.NestedList_TooDeep);
            SkipSpace();
            if (_pos < text.Length && text[_pos] == '[')
            {
                _pos++;
                SkipSpace();
                var children = new List<int[]>();
                if (_pos < text.Length && text[_pos] == ']')
                {
                    _pos++;
                    return [0];
                }
                while (true)
                {
                    children.Add(ParseValue(depth + 1));
                    SkipSpace();
                    if (_pos >= text.Length) throw Error(SeedText.NestedList_MissingBracket);
                    if (text[_pos] == ',') { _pos++; continue; }
                    if (text[_pos] == ']') { _pos++; break; }
                    throw Error(Language.Format(SeedText.NestedList_ExpectedCommaOrBracket, _pos + 1, text[_pos]));
                }
                for (int i = 1; i < children.Count; i++)
                    if (!children[i].AsSpan().SequenceEqual(children[0]))
                        throw Error(Language.Format(SeedText.NestedList_Ragged, i + 1, string.Join(", ", children[i]), string.Join(", ", children[0])));
                return [children.Count, .. children[0]];
            }
            int start = _pos;
            while (_pos < text.Length && text[_pos] is not (',' or ']' or '[') && !char.IsWhiteSpace(text[_pos])) _pos++;
            string token = text[start.._pos];
            if (token.Length == 0) throw Error(_pos < text.Length ? Language.Format(SeedText.NestedList_ExpectedNumberAt, _pos + 1, text[_pos]) : SeedText.NestedList_ExpectedNumber);
            if (!NumberText.TryParse(token, out double v)) throw Error(Language.Format(SeedText.NestedList_NotNumber, token));
            _values.Add(v);
            return [];
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private FormatException Error(string what) => new(Language.Format(SeedText.NestedList_Error, option, what, text));
    }

    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
}
