using Backprop.Kernels;

namespace Backprop;

// In-place ops (trailing underscore, as in PyTorch) for training loops: parameter updates, zeroing, copies.
// Each bumps the storage's version, so a backward that saved this tensor before the write fails clearly.
// Under grad mode, on a tensor in the graph, the op is recorded and this tensor takes the new history.
public partial class Tensor
{
    /// <summary>this += alpha·other, in place; like tensor.add_(other, alpha=alpha).</summary>
    public Tensor Add_(Tensor other, double alpha = 1) => alpha == 1
        ? InPlace("Add_", other, TypePromotion.ResultType(this, other), 0, static (s, o, _) => s.Add(o), static (self, o) => BinaryKernelInto<AddOp>("Add_", self, o, self))
        : InPlace("Add_", other, TypePromotion.ResultType(this, other), alpha, static (s, o, alpha) => s.Add(o, alpha), null);

    /// <summary>this += value, in place; like tensor.add_(value).</summary>
    public Tensor Add_(double value) => TryNumberInPlace<AddOp>(value, TypePromotion.ResultType(DType, value)) ? this : Add_(Scalar(value, this));

    /// <summary>this −= alpha·other, in place; like tensor.sub_(other, alpha=alpha).</summary>
    public Tensor Sub_(Tensor other, double alpha = 1) => alpha == 1
        ? InPlace("Sub_", other, TypePromotion.ResultType(this, other), 0, static (s, o, _) => s.Sub(o), static (self, o) => BinaryKernelInto<SubOp>("Sub_", self, o, self))
        : InPlace("Sub_", other, TypePromotion.ResultType(this, other), alpha, static (s, o, alpha) => s.Sub(o, alpha), null);

    /// <summary>this −= value, in place; like tensor.sub_(value).</summary>
    public Tensor Sub_(double value) => TryNumberInPlace<SubOp>(value, TypePromotion.ResultType(DType, value)) ? this : Sub_(Scalar(value, this));

    /// <summary>this ·= other, in place; like tensor.mul_(other).</summary>
    public Tensor Mul_(Tensor other) =>
        InPlace("Mul_", other, TypePromotion.ResultType(this, other), 0, static (s, o, _) => s.Mul(o), static (self, o) => BinaryKernelInto<MulOp>("Mul_", self, o, self));

    /// <summary>this ·= value, in place; like tensor.mul_(value).</summary>
    public Tensor Mul_(double value) => TryNumberInPlace<MulOp>(value, TypePromotion.ResultType(DType, value)) ? this : Mul_(Scalar(value, this));

    /// <summary>this /= other, in place (true division); like tensor.div_(other).</summary>
    public Tensor Div_(Tensor other) =>
        InPlace("Div_", other, TypePromotion.ToFloating(TypePromotion.ResultType(this, other)), 0, static (s, o, _) => s.Div(o),
            static (self, o) => BinaryKernelInto<DivOp>("Div_", self, o, self));

    /// <summary>this /= value, in place; like tensor.div_(value).</summary>
    public Tensor Div_(double value) =>
        TryNumberInPlace<DivOp>(value, TypePromotion.ToFloating(TypePromotion.ResultType(DType, value))) ? this : Div_(Scalar(value, this));

    /// <summary>Sets every element to value, in place; like tensor.fill_(value).</summary>
    public Tensor Fill_(double value)
    {
        if (CanWriteDirectly())
        {
            FillUnchecked(value);
            MarkWritten();
            return this;
        }
        return InPlace("Fill_", Scalar(value, this), null, 0, static (s, v, _) => s.Mul(0).Add(v.To(s.DType)), static (self, v) => self.FillUnchecked(v.Item()));
    }

    /// <summary>Sets every element to zero, in place; like tensor.zero_().</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>Copies source (broadcast, converted to this dtype) into this tensor, in place; like tensor.copy_(src).</summary>
    public Tensor Copy_(Tensor source) =>
        InPlace("Copy_", source, null, 0, static (s, source, _) => s.Mul(0).Add(source.To(s.DType)), static (self, source) => self.CopyUnchecked(source));

    /// <summary>Limits every element to [min, max], in place; like tensor.clamp_(min, max).</summary>
    public Tensor Clamp_(double? min = null, double? max = null) =>
        InPlace("Clamp_", Scalar(0, this), DType, (min, max), static (s, _, bounds) => s.Clamp(bounds.min, bounds.max), null);

    /// <summary>
    /// The one path every in-place op takes. resultType is the dtype the out-of-place op gives (null: any cast
    /// allowed, as for copies); direct writes straight into this tensor's storage when nothing is recorded and
    /// the operand cannot alias it; otherwise outOfPlace(self, operand, state) computes the result, which is then
    /// copied in (state carries what else it needs, so that the lambdas are static and allocate nothing).
    /// </summary>
    private Tensor InPlace<TState>(string op, Tensor operand, DType? resultType, TState state, Func<Tensor, Tensor, TState, Tensor> outOfPlace,
        Action<Tensor, Tensor>? direct)
    {
        if (resultType is { } rt && Category(rt) > Category(DType))
            throw new ArgumentException($"{op}: result type {rt.TorchName()} can't be cast to the desired output type {DType.TorchName()}");
        var shape = Shapes.Broadcast(op, ShapeArray, operand.ShapeArray);
        if (!Shapes.Equal(shape, ShapeArray))
            throw new ArgumentException(
                $"{op}: output with shape {Shapes.Format(ShapeArray)} doesn't match the broadcast shape {Shapes.Format(shape)}");
        if (HasInternalOverlap())
            throw new InvalidOperationException(
                $"{op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please Clone() the tensor before performing the operation.");

        bool record = GradMode.IsEnabled && (RequiresGrad || operand.RequiresGrad);
        if (record)
        {
            CheckRecordableInPlace(op);
            return AdoptInPlace(outOfPlace(Clone(), operand, state));   // Clone links the old history, and its copy keeps the old values for backward
        }

        bool aliases = ReferenceEquals(operand.Storage, Storage)
            && !(operand.StorageOffset == StorageOffset && Shapes.Equal(operand.StrideArray, StrideArray) && Shapes.Equal(operand.ShapeArray, ShapeArray));
        if (direct is not null && IsContiguous && !aliases) direct(this, operand);   // a kernel: nothing to record
        else
        {
            using (Autograd.NoGrad()) CopyUnchecked(outOfPlace(this, operand, state));
        }
        MarkWritten();
        return this;
    }

    /// <summary>Refuses to record an in-place op on a leaf that requires grad or on a view (see below).</summary>
    private void CheckRecordableInPlace(string op)
    {
        if (IsLeaf && RequiresGrad)
            throw new InvalidOperationException(
                $"{op}: a leaf Variable that requires grad is being used in an in-place operation; " +
                "wrap parameter updates in using (Autograd.NoGrad()) { ... }");
        // PyTorch rewrites the base's history too (CopySlices); recording only the view would leave the base's
        // gradient silently wrong, so this is refused instead.
        if (ViewBase is not null)
            throw new NotSupportedException(
                $"{op}: in-place operations on a view are not recorded by autograd here when the view or the operand requires grad; " +
                "use the out-of-place op (for example Tensor.Cat, Where or MaskedFill) or make the change under Autograd.NoGrad()");
    }

    /// <summary>Takes a recorded out-of-place result (computed from a Clone of this) as this tensor's values and history.</summary>
    private Tensor AdoptInPlace(Tensor result)
    {
        CopyUnchecked(result);
        MarkWritten();
        _gradFn = result.GradFn;
        return this;
    }

    /// <summary>
    /// The common case of an in-place op with a number, written straight into this tensor with no tensor made for
    /// the number: it keeps this dtype, nothing is recorded, and the view is contiguous. False otherwise, and the
    /// caller takes <see cref="InPlace"/>, which records, converts or fails as the case needs.
    /// </summary>
    private bool TryNumberInPlace<TOp>(double value, DType resultType) where TOp : IBinaryOp
    {
        if (resultType != DType || !IsContiguous || !CanWriteDirectly()) return false;
        ScalarKernelInto<TOp>(this, value, reversed: false, this);
        MarkWritten();
        return true;
    }

    /// <summary>
    /// Records that this tensor's elements were written in place: its storage's version moves on, so a backward that
    /// saved it before fails clearly. Every in-place write ends here (the ops above, and the fused optimizer updates).
    /// </summary>
    internal void MarkWritten()
    {
        Storage.Version++;
        Tracing.Current?.Written(this);   // an exporter refuses a traced value written in place
    }

    /// <summary>True when an in-place write needs no recording and cannot fail: grad mode off or nothing requiring grad, no element written twice.</summary>
    private bool CanWriteDirectly() => !(RequiresGrad && GradMode.IsEnabled) && !HasInternalOverlap();

    private static int Category(DType d) => d switch { DType.Bool => 0, DType.Int64 => 1, _ => 2 };

    /// <summary>True when two elements of this view share a storage slot (an expanded view).</summary>
    private bool HasInternalOverlap()
    {
        for (int i = 0; i < Dim; i++) if (StrideArray[i] == 0 && ShapeArray[i] > 1) return true;
        return false;
    }

    /// <summary>Writes source (broadcast to this shape, converted to this dtype) into this view's elements, outside the graph.</summary>
    internal void CopyUnchecked(Tensor source)
    {
        if (!Shapes.Equal(source.ShapeArray, ShapeArray))
        {
            using (Autograd.NoGrad()) source = source.Expand(ShapeArray);
        }
        // Read everything first: source may overlap this view.
        var values = source.ConvertUnchecked(DType);
        var kernel = new ScatterCopyRun();
        Dispatch.Any(ref kernel, values, this);
    }

    /// <summary>Writes contiguous values (a) into a strided view (b).</summary>
    private readonly struct ScatterCopyRun : IAnyKernel
    {
        public void Run<T>(Lent<T> values, Lent<T> view, Lent<T> _) where T : unmanaged
            => Copy.IntoStrided<T>(values.Span, view.Array, view.Offset, view.Shape, view.Strides);
    }

    /// <summary>grad += other for an accumulated gradient, in place and outside the graph.</summary>
    internal void AddInPlaceUnchecked(Tensor other)
    {
        if (IsContiguous && !ReferenceEquals(other.Storage, Storage)) BinaryKernelInto<AddOp>("AccumulateGrad", this, other, this);
        else CopyUnchecked(Add(other));
    }
}
