using System.Globalization;

namespace Backprop.Playground.Expressions;

/// <summary>A parsed expression: numbers, variables, + − * / ^, unary minus and the named functions.</summary>
internal abstract record Expression
{
    /// <summary>The names of the variables it uses, in order of first appearance.</summary>
    public IReadOnlyList<string> Variables()
    {
        var names = new List<string>();
        Collect(names);
        return names;
    }

    internal abstract void Collect(List<string> names);

    /// <summary>Evaluates on the library, recording for autograd; each intermediate tensor is reported to made.</summary>
    public abstract Value Evaluate(IReadOnlyDictionary<string, Tensor> variables, List<Tensor> made);
}

/// <summary>A value while evaluating: a plain number (constants fold, as Python's 2*3 does) or a tensor.</summary>
internal readonly record struct Value(double Number, Tensor? Tensor)
{
    public static Value Of(double v) => new(v, null);

    public static Value Of(Tensor t, List<Tensor> made)
    {
        made.Add(t);
        return new(0, t);
    }
}

internal sealed record NumberNode(double Number) : Expression
{
    internal override void Collect(List<string> names) { }

    public override Value Evaluate(IReadOnlyDictionary<string, Tensor> variables, List<Tensor> made) => Value.Of(Number);
}

internal sealed record VariableNode(string Name) : Expression
{
    internal override void Collect(List<string> names)
    {
        if (!names.Contains(Name)) names.Add(Name);
    }

    public override Value Evaluate(IReadOnlyDictionary<string, Tensor> variables, List<Tensor> made) => new(0, variables[Name]);
}

internal sealed record UnaryNode(string Function, Expression Operand) : Expression
{
    /// <summary>The functions the parser knows, each as the library's op (torch.sigmoid, torch.tanh, ...).</summary>
    public static readonly IReadOnlyDictionary<string, (Func<Tensor, Tensor> OnTensor, Func<double, double> OnNumber)> Functions =
        new Dictionary<string, (Func<Tensor, Tensor>, Func<double, double>)>(StringComparer.Ordinal)
        {
            ["sigmoid"] = (t => t.Sigmoid(), v => 1 / (1 + Math.Exp(-v))),
            ["tanh"] = (t => t.Tanh(), Math.Tanh),
            ["relu"] = (t => t.Relu(), v => Math.Max(v, 0)),
            ["exp"] = (t => t.Exp(), Math.Exp),
            ["log"] = (t => t.Log(), Math.Log),
            ["sqrt"] = (t => t.Sqrt(), Math.Sqrt),
            ["sin"] = (t => t.Sin(), Math.Sin),
            ["cos"] = (t => t.Cos(), Math.Cos),
            ["neg"] = (t => -t, v => -v),
        };

    internal override void Collect(List<string> names) => Operand.Collect(names);

    public override Value Evaluate(IReadOnlyDictionary<string, Tensor> variables, List<Tensor> made)
    {
        var x = Operand.Evaluate(variables, made);
        var (onTensor, onNumber) = Functions[Function];
        return x.Tensor is { } t ? Value.Of(onTensor(t), made) : Value.Of(onNumber(x.Number));
    }
}

internal sealed record BinaryNode(char Op, Expression Left, Expression Right) : Expression
{
    internal override void Collect(List<string> names)
    {
        Left.Collect(names);
        Right.Collect(names);
    }

    public override Value Evaluate(IReadOnlyDictionary<string, Tensor> variables, List<Tensor> made)
    {
        var a = Left.Evaluate(variables, made);
        var b = Right.Evaluate(variables, made);
        if (a.Tensor is null && b.Tensor is null)
            return Value.Of(Op switch
            {
                '+' => a.Number + b.Number,
                '-' => a.Number - b.Number,
                '*' => a.Number * b.Number,
                '/' => a.Number / b.Number,
                _ => Math.Pow(a.Number, b.Number),
            });
        // A number beside a tensor stays a number, as in PyTorch (3 * t records MulBackward0 with one edge).
        Tensor result = (a.Tensor, b.Tensor) switch
        {
            ({ } x, { } y) => Op switch { '+' => x + y, '-' => x - y, '*' => x * y, '/' => x / y, _ => x.Pow(y) },
            ({ } x, null) => Op switch { '+' => x + b.Number, '-' => x - b.Number, '*' => x * b.Number, '/' => x / b.Number, _ => x.Pow(b.Number) },
            (null, { } y) => Op switch
            {
                '+' => a.Number + y,
                '-' => a.Number - y,
                '*' => a.Number * y,
                '/' => a.Number / y,
                _ => Tensor.Full([], a.Number, y.DType).Pow(y),
            },
            _ => throw new InvalidOperationException("unreachable"),
        };
        return Value.Of(result, made);
    }
}

/// <summary>A parse error at a position (1-based, in characters) of the text.</summary>
internal sealed class ExpressionException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}

/// <summary>
/// A small recursive-descent parser, precedence from loosest: + −, then * /, then unary minus, then ^ (right
/// associative, so −a^2 is −(a^2) and a^b^c is a^(b^c), as Python's **), then numbers, names, f(x) and (…).
/// Refuses text over <see cref="MaxLength"/> characters and nesting over <see cref="MaxDepth"/>, so no input can
/// exhaust the stack.
/// </summary>
internal sealed class ExpressionParser
{
    public const int MaxLength = 200;
    public const int MaxDepth = 40;

    private readonly string _text;
    private int _pos, _depth;

    private ExpressionParser(string text) => _text = text;

    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
            throw new ExpressionException(string.Format(CultureInfo.InvariantCulture, ExpressionText.TooLong, MaxLength), MaxLength + 1);
        var parser = new ExpressionParser(text);
        parser.SkipSpace();
        if (parser._pos >= text.Length) throw new ExpressionException(ExpressionText.Empty, 1);
        var e = parser.Sum();
        parser.SkipSpace();
        if (parser._pos < text.Length)
            throw parser.Error(text[parser._pos] == ')' ? ExpressionText.UnbalancedClose : string.Format(CultureInfo.InvariantCulture, ExpressionText.Unexpected, text[parser._pos]));
        return e;
    }

    private ExpressionException Error(string message) => new(message, _pos + 1);

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private bool Eat(char c)
    {
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private Expression Sum()
    {
        var e = Product();
        while (true)
        {
            if (Eat('+')) e = new BinaryNode('+', e, Product());
            else if (Eat('-')) e = new BinaryNode('-', e, Product());
            else return e;
        }
    }

    private Expression Product()
    {
        var e = Unary();
        while (true)
        {
            if (Eat('*')) e = new BinaryNode('*', e, Unary());
            else if (Eat('/')) e = new BinaryNode('/', e, Unary());
            else return e;
        }
    }

    private Expression Unary()
    {
        if (Eat('-')) return Nested(() => new UnaryNode("neg", Unary()));
        if (Eat('+')) return Nested(Unary);
        return Power();
    }

    private Expression Power()
    {
        var b = Atom();
        if (Eat('^')) return new BinaryNode('^', b, Nested(Unary));
        return b;
    }

    private Expression Nested(Func<Expression> inner)
    {
        if (++_depth > MaxDepth) throw Error(string.Format(CultureInfo.InvariantCulture, ExpressionText.TooDeep, MaxDepth));
        var e = inner();
        _depth--;
        return e;
    }

    private Expression Atom()
    {
        SkipSpace();
        if (_pos >= _text.Length) throw Error(ExpressionText.EndTooSoon);
        char c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            var e = Nested(Sum);
            if (!Eat(')')) throw Error(ExpressionText.MissingClose);
            return e;
        }
        if (char.IsAsciiDigit(c) || c == '.') return Number();
        if (char.IsAsciiLetter(c) || c == '_')
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
            string name = _text[start.._pos];
            if (UnaryNode.Functions.ContainsKey(name) && name != "neg")
            {
                int at = _pos;
                if (!Eat('(')) { _pos = at; throw Error(string.Format(CultureInfo.InvariantCulture, ExpressionText.FunctionNeedsParens, name)); }
                var arg = Nested(Sum);
                if (!Eat(')')) throw Error(ExpressionText.MissingClose);
                return new UnaryNode(name, arg);
            }
            if (name.Length > 12) { _pos = start; throw Error(ExpressionText.NameTooLong); }
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == '(') throw Error(string.Format(CultureInfo.InvariantCulture, ExpressionText.UnknownFunction, name));
            return new VariableNode(name);
        }
        throw Error(string.Format(CultureInfo.InvariantCulture, ExpressionText.Unexpected, c));
    }

    private Expression Number()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '.')) _pos++;
        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            int save = _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-')) _pos++;
            if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) { while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++; }
            else _pos = save;
        }
        string token = _text[start.._pos];
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
        {
            _pos = start;
            throw Error(string.Format(CultureInfo.InvariantCulture, ExpressionText.BadNumber, token));
        }
        return new NumberNode(v);
    }
}

/// <summary>The parser's messages, in one place for translation.</summary>
internal static class ExpressionText
{
    public const string Empty = "Type an expression, e.g. 3*(a + b*c).";
    public const string TooLong = "The expression is longer than {0} characters.";
    public const string TooDeep = "Nested more than {0} levels deep.";
    public const string Unexpected = "Unexpected '{0}'.";
    public const string UnbalancedClose = "A ')' with no '(' before it.";
    public const string MissingClose = "Missing ')'.";
    public const string EndTooSoon = "The expression ends too soon: a number, a name or '(' is missing.";
    public const string FunctionNeedsParens = "{0} is a function: write {0}(…).";
    public const string UnknownFunction = "'{0}' is not a function (sigmoid, tanh, relu, exp, log, sqrt, sin, cos).";
    public const string NameTooLong = "Variable names are at most 12 characters.";
    public const string BadNumber = "'{0}' is not a number.";
    public const string At = "at position {0}";
}
