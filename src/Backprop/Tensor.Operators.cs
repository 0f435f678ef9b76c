namespace Backprop;

// C# operators for the arithmetic and comparison ops; a number on either side is a 0-d operand that keeps the tensor's dtype.
public partial class Tensor
{
    /// <summary>Elementwise sum, broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Adds a number to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => a.Add(b);
    /// <summary>Adds a number to every element.</summary>
    public static Tensor operator +(double a, Tensor b) => b.Add(a);
    /// <summary>Elementwise difference, broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Subtracts a number from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);
    /// <summary>A number minus every element; like rsub.</summary>
    public static Tensor operator -(double a, Tensor b) => b.ReverseSub(a);
    /// <summary>Elementwise product, broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Multiplies every element by a number.</summary>
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);
    /// <summary>Multiplies every element by a number.</summary>
    public static Tensor operator *(double a, Tensor b) => b.Mul(a);
    /// <summary>Elementwise true division, broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Divides every element by a number.</summary>
    public static Tensor operator /(Tensor a, double b) => a.Div(b);
    /// <summary>A number divided by every element.</summary>
    public static Tensor operator /(double a, Tensor b) => b.ReverseDiv(a);
    /// <summary>Elementwise negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Elementwise a &lt; b as a Bool tensor.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    /// <summary>Elementwise a &gt; b as a Bool tensor.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    /// <summary>Elementwise a ≤ b as a Bool tensor.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    /// <summary>Elementwise a ≥ b as a Bool tensor.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    /// <summary>Elementwise a &lt; b as a Bool tensor.</summary>
    public static Tensor operator <(Tensor a, double b) => a.Lt(b);
    /// <summary>Elementwise a &gt; b as a Bool tensor.</summary>
    public static Tensor operator >(Tensor a, double b) => a.Gt(b);
    /// <summary>Elementwise a ≤ b as a Bool tensor.</summary>
    public static Tensor operator <=(Tensor a, double b) => a.Le(b);
    /// <summary>Elementwise a ≥ b as a Bool tensor.</summary>
    public static Tensor operator >=(Tensor a, double b) => a.Ge(b);

    /// <summary>Elementwise logical and of Bool tensors.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);
    /// <summary>Elementwise logical or of Bool tensors.</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);
    /// <summary>Elementwise logical not of a Bool tensor; like ~mask.</summary>
    public static Tensor operator !(Tensor a) => a.LogicalNot();
}
