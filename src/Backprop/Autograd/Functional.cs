namespace Backprop;

// Derivatives of a whole function, by reverse mode only (the "double backward trick" for forward-mode products), as
// torch.autograd.functional does in PyTorch 1.13 with vectorize=False and strategy="reverse-mode": the same steps,
// the same zeros for inputs a result does not depend on, the same errors in strict mode.
public static partial class Autograd
{
    /// <summary>
    /// The Jacobian of a function of one tensor, of shape output.shape + input.shape, one backward per output
    /// element; like torch.autograd.functional.jacobian(func, input, create_graph, strict). With createGraph the
    /// result is differentiable; with strict an output independent of the input throws instead of giving zeros.
    /// </summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> function, Tensor input, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return JacobianCore(xs => [function(xs[0])], [input], createGraph, strict)[0][0];
    }

    /// <summary>The Jacobian of a function of several tensors, one block per input (output.shape + input.shape); like jacobian(func, (a, b)).</summary>
    public static Tensor[] Jacobian(Func<Tensor[], Tensor> function, Tensor[] inputs, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return JacobianCore(xs => [function(xs)], inputs, createGraph, strict)[0];
    }

    /// <summary>The Jacobian of a function with several outputs: result[i][j] is output i's block for input j; like jacobian of a tuple-valued func.</summary>
    public static Tensor[][] Jacobian(Func<Tensor[], Tensor[]> function, Tensor[] inputs, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return JacobianCore(function, inputs, createGraph, strict);
    }

    /// <summary>
    /// The Hessian of a scalar function of one tensor, of shape input.shape + input.shape: the Jacobian of its
    /// gradient; like torch.autograd.functional.hessian(func, input, create_graph, strict).
    /// </summary>
    public static Tensor Hessian(Func<Tensor, Tensor> function, Tensor input, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return HessianCore(xs => function(xs[0]), [input], createGraph, strict)[0][0];
    }

    /// <summary>The Hessian of a scalar function of several tensors: result[i][j] is the block for inputs i and j (shape input i + input j).</summary>
    public static Tensor[][] Hessian(Func<Tensor[], Tensor> function, Tensor[] inputs, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return HessianCore(function, inputs, createGraph, strict);
    }

    /// <summary>
    /// The function's output and the vector-Jacobian product vᵀJ (v has the output's shape; it may be omitted for a
    /// one-element output); like torch.autograd.functional.vjp(func, input, v, create_graph, strict).
    /// </summary>
    public static (Tensor Output, Tensor Vjp) Vjp(Func<Tensor, Tensor> function, Tensor input, Tensor? v = null, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        var (outputs, vjp) = VjpCore(xs => [function(xs[0])], [input], v is null ? null : [v], false, createGraph, strict);
        return (outputs[0], vjp[0]);
    }

    /// <summary>Vjp for a function of several tensors with several outputs: v holds one tensor per output, the result one per input.</summary>
    public static (Tensor[] Outputs, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false,
        bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return VjpCore(function, inputs, v, true, createGraph, strict);
    }

    /// <summary>
    /// The function's output and the Jacobian-vector product Jv (v has the input's shape; it may be omitted for a
    /// one-element input), computed with the double backward trick; like torch.autograd.functional.jvp.
    /// </summary>
    public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor, Tensor> function, Tensor input, Tensor? v = null, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        var (outputs, jvp) = JvpCore(xs => [function(xs[0])], [input], v is null ? null : [v], false, createGraph, strict);
        return (outputs[0], jvp[0]);
    }

    /// <summary>Jvp for a function of several tensors with several outputs: v holds one tensor per input, the result one per output.</summary>
    public static (Tensor[] Outputs, Tensor[] Jvp) Jvp(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false,
        bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return JvpCore(function, inputs, v, true, createGraph, strict);
    }

    /// <summary>The scalar function's output and vᵀH, the vector-Hessian product; like torch.autograd.functional.vhp.</summary>
    public static (Tensor Output, Tensor Vhp) Vhp(Func<Tensor, Tensor> function, Tensor input, Tensor? v = null, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        var (output, vhp) = HessianProduct("vhp", xs => function(xs[0]), [input], v is null ? null : [v], false, createGraph, strict);
        return (output, vhp[0]);
    }

    /// <summary>Vhp for a scalar function of several tensors: v and the result hold one tensor per input.</summary>
    public static (Tensor Output, Tensor[] Vhp) Vhp(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false,
        bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return HessianProduct("vhp", function, inputs, v, true, createGraph, strict);
    }

    /// <summary>The scalar function's output and Hv, the Hessian-vector product, by the double backward trick; like torch.autograd.functional.hvp.</summary>
    public static (Tensor Output, Tensor Hvp) Hvp(Func<Tensor, Tensor> function, Tensor input, Tensor? v = null, bool createGraph = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        var (output, hvp) = HessianProduct("hvp", xs => function(xs[0]), [input], v is null ? null : [v], false, createGraph, strict);
        return (output, hvp[0]);
    }

    /// <summary>Hvp for a scalar function of several tensors: v and the result hold one tensor per input.</summary>
    public static (Tensor Output, Tensor[] Hvp) Hvp(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false,
        bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        return HessianProduct("hvp", function, inputs, v, true, createGraph, strict);
    }

    private static (Tensor[] Outputs, Tensor[] Vjp) VjpCore(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor[]? v, bool outputsAreTuple,
        bool createGraph, bool strict)
    {
        Tensor[] outputs;
        using (EnableGrad())
        {
            inputs = Preprocess(inputs, createGraph, needGraph: true, "inputs", "vjp");
            outputs = CallFunction(function, inputs, "vjp");
            CheckRequiresGrad(outputs, "outputs", strict);
            if (v is not null)
            {
                v = Preprocess(v, createGraph, needGraph: false, "v", "vjp");
                ValidateV(v, outputs, outputsAreTuple);
            }
            else if (outputs.Length != 1 || outputs[0].Numel != 1)
                throw new InvalidOperationException("The vector v can only be None if the user-provided function returns a single Tensor with a single element.");
        }
        Tensor[] vjp;
        using (SetGradEnabled(createGraph || IsGradEnabled))
            vjp = FillInZeros(GradOfDifferentiable(outputs, inputs, v, createGraph), inputs, strict, createGraph, "back");
        return (Postprocess(outputs, createGraph), Postprocess(vjp, createGraph));
    }

    private static (Tensor[] Outputs, Tensor[] Jvp) JvpCore(Func<Tensor[], Tensor[]> function, Tensor[] inputs, Tensor[]? v, bool inputsAreTuple,
        bool createGraph, bool strict)
    {
        Tensor[] outputs, gradOutputs;
        Tensor?[] gradInputs;
        using (EnableGrad())
        {
            inputs = Preprocess(inputs, createGraph, needGraph: true, "inputs", "jvp");
            if (v is not null)
            {
                v = Preprocess(v, createGraph, needGraph: false, "v", "jvp");
                ValidateV(v, inputs, inputsAreTuple);
            }
            else if (inputs.Length != 1 || inputs[0].Numel != 1)
                throw new InvalidOperationException(
                    "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.");
            outputs = CallFunction(function, inputs, "jvp");
            CheckRequiresGrad(outputs, "outputs", strict);
            // Backward is linear in the output gradient, so its value does not matter: zeros, which can hold no inf or NaN.
            gradOutputs = Array.ConvertAll(outputs, o => Tensor.ZerosLike(o).RequiresGrad_());
            gradInputs = GradOfDifferentiable(outputs, inputs, gradOutputs, createGraph: true);
            CheckRequiresGrad(gradInputs, "grad_inputs", strict);
        }
        Tensor[] jvp;
        using (createGraph ? EnableGrad() : SetGradEnabled(IsGradEnabled))
            jvp = FillInZeros(GradOfDifferentiable(gradInputs, gradOutputs, v, createGraph), outputs, strict, createGraph, "back_trick");
        return (Postprocess(outputs, createGraph), Postprocess(jvp, createGraph));
    }

    private static Tensor[][] JacobianCore(Func<Tensor[], Tensor[]> function, Tensor[] inputs, bool createGraph, bool strict)
    {
        using (EnableGrad())
        {
            inputs = Preprocess(inputs, createGraph, needGraph: true, "inputs", "jacobian");
            var outputs = CallFunction(function, inputs, "jacobian");
            CheckRequiresGrad(outputs, "outputs", strict);
            var jacobian = new Tensor[outputs.Length][];
            for (int i = 0; i < outputs.Length; i++)
            {
                var output = outputs[i];
                var rows = new List<Tensor>[inputs.Length];
                for (int k = 0; k < inputs.Length; k++) rows[k] = new List<Tensor>(output.Numel);
                var flat = output.Reshape(-1);
                for (int j = 0; j < output.Numel; j++)
                {
                    var vj = GradOfDifferentiable([flat[j]], inputs, null, createGraph, retainGraph: true);
                    for (int k = 0; k < inputs.Length; k++)
                    {
                        if (vj[k] is { } g)
                        {
                            if (strict && createGraph && !g.RequiresGrad)
                                throw new InvalidOperationException(
                                    $"The jacobian of the user-provided function is independent of input {i}. This is not allowed in strict mode when create_graph=True.");
                            rows[k].Add(g);
                        }
                        else
                        {
                            if (strict)
                                throw new InvalidOperationException(
                                    $"Output {i} of the user-provided function is independent of input {k}. This is not allowed in strict mode.");
                            rows[k].Add(Tensor.ZerosLike(inputs[k]));
                        }
                    }
                }
                jacobian[i] = new Tensor[inputs.Length];
                for (int k = 0; k < inputs.Length; k++)
                {
                    var shape = output.Shape.ToArray().Concat(inputs[k].Shape.ToArray()).ToArray();
                    var block = rows[k].Count == 0 ? Tensor.Zeros(shape, inputs[k].DType) : Tensor.Stack([.. rows[k]]).View(shape);
                    jacobian[i][k] = createGraph ? block : block.Detach();
                }
            }
            return jacobian;
        }
    }

    private static Tensor[][] HessianCore(Func<Tensor[], Tensor> function, Tensor[] inputs, bool createGraph, bool strict)
    {
        Tensor SingleOutput(Tensor[] xs)
        {
            var output = function(xs) ?? throw new InvalidOperationException("The function given to hessian should return a single Tensor");
            CheckRequiresGrad([output], "outputs", strict);
            if (output.Numel != 1)
                throw new InvalidOperationException("The Tensor returned by the function given to hessian should contain a single element");
            return output.Reshape();
        }
        Tensor[] Gradient(Tensor[] xs)
        {
            var jacobian = JacobianCore(ys => [SingleOutput(ys)], xs, createGraph: true, strict: false)[0];
            CheckRequiresGrad(jacobian, "jacobian", strict);
            return jacobian;
        }
        return JacobianCore(Gradient, inputs, createGraph, strict);
    }

    /// <summary>vhp (vᵀH: the gradient of the gradient against v) or hvp (Hv: the double backward trick), as PyTorch computes each.</summary>
    private static (Tensor Output, Tensor[] Product) HessianProduct(string name, Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor[]? v,
        bool inputsAreTuple, bool createGraph, bool strict)
    {
        Tensor output;
        Tensor?[] jacobian, doubleBack = [];
        Tensor[] gradJacobian = [];
        using (EnableGrad())
        {
            inputs = Preprocess(inputs, createGraph, needGraph: true, "inputs", name);
            if (v is not null)
            {
                v = Preprocess(v, createGraph, needGraph: false, "v", name);
                ValidateV(v, inputs, inputsAreTuple);
            }
            else if (inputs.Length != 1 || inputs[0].Numel != 1)
                throw new InvalidOperationException(
                    "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.");
            output = function(inputs) ?? throw new InvalidOperationException($"The function given to {name} should return a single Tensor");
            CheckRequiresGrad([output], "outputs", strict);
            if (output.Numel != 1)
                throw new InvalidOperationException($"The Tensor returned by the function given to {name} should contain a single element");
            jacobian = GradOfDifferentiable([output], inputs, null, createGraph: true);
            CheckRequiresGrad(jacobian, "jacobian", strict);
            if (name == "hvp")
            {
                gradJacobian = Array.ConvertAll(inputs, x => Tensor.ZerosLike(x).RequiresGrad_());
                doubleBack = GradOfDifferentiable(jacobian, inputs, gradJacobian, createGraph: true);
                CheckRequiresGrad(jacobian, "hessian", strict);
            }
        }
        Tensor[] product;
        using (SetGradEnabled(createGraph || IsGradEnabled))
            product = name == "hvp"
                ? FillInZeros(GradOfDifferentiable(doubleBack, gradJacobian, v, createGraph), inputs, strict, createGraph, "double_back_trick")
                : FillInZeros(GradOfDifferentiable(jacobian, inputs, v, createGraph), inputs, strict, createGraph, "double_back");
        return (Postprocess([output], createGraph)[0], Postprocess(product, createGraph));
    }

    private static Tensor[] CallFunction(Func<Tensor[], Tensor[]> function, Tensor[] inputs, string name)
    {
        var outputs = function(inputs) ?? throw new InvalidOperationException($"The outputs of the user-provided function given to {name} must be tensors, not null");
        for (int i = 0; i < outputs.Length; i++)
            if (outputs[i] is null) throw new InvalidOperationException($"The outputs of the user-provided function given to {name} must be tensors, but output {i} is null");
        return outputs;
    }

    /// <summary>
    /// Fresh inputs for the function: with createGraph an alias that keeps the caller's graph (PyTorch's view_as),
    /// otherwise a detached copy of the reference that requires grad when needGraph; like _grad_preprocess.
    /// </summary>
    private static Tensor[] Preprocess(Tensor[] tensors, bool createGraph, bool needGraph, string argument, string function)
    {
        ArgumentNullException.ThrowIfNull(tensors, argument);
        var result = new Tensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(argument, $"The {argument} given to {function} must be tensors, but the value at index {i} is null");
            result[i] = createGraph && t.RequiresGrad ? t.ViewAs(t) : needGraph ? t.Detach().RequiresGrad_() : t.Detach();
        }
        return result;
    }

    private static Tensor[] Postprocess(Tensor[] tensors, bool createGraph) => createGraph ? tensors : Array.ConvertAll(tensors, t => t.Detach());

    private static void ValidateV(Tensor[] v, Tensor[] other, bool otherIsTuple)
    {
        if (v.Length != other.Length)
            throw new InvalidOperationException(otherIsTuple
                ? $"v is a tuple of invalid length: should be {other.Length} but got {v.Length}."
                : "The given v should contain a single Tensor.");
        for (int i = 0; i < v.Length; i++)
            if (!Shapes.Equal(v[i].ShapeArray, other[i].ShapeArray))
                throw new InvalidOperationException(
                    $"{(otherIsTuple ? $"Entry {i} in " : "")}v has invalid size: should be {TorchSize(other[i])} but got {TorchSize(v[i])}.");
    }

    private static string TorchSize(Tensor t) => "torch.Size(" + Shapes.Format(t.ShapeArray) + ")";

    /// <summary>PyTorch's _check_requires_grad: in strict mode, every tensor must exist and require grad, with a message per stage.</summary>
    private static void CheckRequiresGrad(Tensor?[] tensors, string stage, bool strict)
    {
        if (!strict) return;
        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is not { } t)
                throw new InvalidOperationException($"The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.");
            if (t.RequiresGrad) continue;
            throw new InvalidOperationException(stage switch
            {
                "hessian" => $"The hessian of the user-provided function with respect to input {i} is independent of the input. This is not allowed in strict mode. " +
                             "You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.",
                "jacobian" => $"While computing the hessian, found that the jacobian of the user-provided function with respect to input {i} is independent of the input. " +
                              "This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs " +
                              "(this would be violated by a linear function for example).",
                "grad_inputs" => $"The gradient with respect to input {i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.",
                _ => $"Output {i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input " +
                     "when running in strict mode.",
            });
        }
    }

    /// <summary>Autograd.Grad over the outputs that require grad (nulls and constants skipped), unused inputs giving null; like _autograd_grad.</summary>
    private static Tensor?[] GradOfDifferentiable(Tensor?[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs, bool createGraph, bool? retainGraph = null)
    {
        var kept = new List<Tensor>();
        var keptGrads = new List<Tensor?>();
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is not { RequiresGrad: true } output) continue;
            kept.Add(output);
            keptGrads.Add(gradOutputs?[i]);
        }
        if (kept.Count == 0) return new Tensor?[inputs.Length];
        return Grad([.. kept], inputs, [.. keptGrads], retainGraph, createGraph, allowUnused: true);
    }

    /// <summary>Zeros for the gradients that came back null (an error in strict mode, worded per stage); like _fill_in_zeros.</summary>
    private static Tensor[] FillInZeros(Tensor?[] grads, Tensor[] references, bool strict, bool createGraph, string stage)
    {
        var result = new Tensor[grads.Length];
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g)
            {
                if (strict)
                    throw new InvalidOperationException(stage switch
                    {
                        "back" => $"The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.",
                        "back_trick" => $"The gradient with respect to the input is independent of entry {i} in the grad_outputs when using the double backward trick " +
                                        "to compute forward mode gradients. This is not allowed in strict mode.",
                        "double_back" => $"The jacobian of the user-provided function is independent of input {i}. This is not allowed in strict mode.",
                        _ => $"The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. This is not allowed in strict mode " +
                             "as it prevents from using the double backward trick to replace forward mode AD.",
                    });
                result[i] = Tensor.ZerosLike(references[i]);
                continue;
            }
            if (strict && createGraph && !g.RequiresGrad)
                throw new InvalidOperationException(stage.Contains("double", StringComparison.Ordinal)
                    ? $"The hessian of the user-provided function is independent of input {i}. This is not allowed in strict mode when create_graph=True."
                    : $"The jacobian of the user-provided function is independent of input {i}. This is not allowed in strict mode when create_graph=True.");
            result[i] = g;
        }
        return result;
    }
}
