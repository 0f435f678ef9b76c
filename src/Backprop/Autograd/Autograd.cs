namespace Backprop;

/// <summary>Grad mode scopes and the functional interface to the engine; like torch.autograd and torch.no_grad.</summary>
public static partial class Autograd
{
    /// <summary>True when ops record the graph on this thread / async flow; like torch.is_grad_enabled().</summary>
    public static bool IsGradEnabled => GradMode.IsEnabled;

    /// <summary>Turns recording off until the scope is disposed: <c>using (Autograd.NoGrad()) { ... }</c>; like torch.no_grad().</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Turns recording on until the scope is disposed, also inside NoGrad; like torch.enable_grad().</summary>
    public static GradModeScope EnableGrad() => new(true);

    /// <summary>Sets recording on or off until the scope is disposed; like torch.set_grad_enabled(mode).</summary>
    public static GradModeScope SetGradEnabled(bool enabled) => new(enabled);

    /// <summary>
    /// The gradients of the outputs with respect to the inputs, returned rather than accumulated into Grad;
    /// like torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused).
    /// </summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (gradOutputs is not null && gradOutputs.Length != outputs.Length)
            throw new ArgumentException($"Autograd.Grad: grad_outputs has {gradOutputs.Length} tensors but outputs has {outputs.Length}");
        var grads = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            if (!outputs[i].RequiresGrad)
                throw new InvalidOperationException($"Autograd.Grad: element {i} of tensors does not require grad and does not have a grad_fn");
            grads[i] = CheckOutputGradient(outputs[i], gradOutputs?[i], i);
        }
        var result = Engine.Grad(outputs, grads, inputs, retainGraph ?? createGraph, createGraph);
        if (!allowUnused)
            for (int i = 0; i < result.Length; i++)
                if (result[i] is null)
                    throw new InvalidOperationException(
                        $"Autograd.Grad: one of the differentiated tensors (input {i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.");
        return result;
    }

    /// <summary>The gradient to start backward from: the given one after a shape check, or 1 for a scalar.</summary>
    internal static Tensor CheckOutputGradient(Tensor output, Tensor? gradient, int index)
    {
        if (gradient is null)
        {
            if (output.Numel != 1)
                throw new InvalidOperationException(
                    $"Backward: grad can be implicitly created only for scalar outputs (output {index} has shape {Shapes.Format(output.ShapeArray)}); pass a gradient");
            return Tensor.OnesLike(output);
        }
        if (!Shapes.Equal(gradient.ShapeArray, output.ShapeArray))
            throw new ArgumentException(
                $"Backward: mismatch in shape: grad_output[{index}] has a shape of {Shapes.Format(gradient.ShapeArray)} and output[{index}] has a shape of {Shapes.Format(output.ShapeArray)}");
        return gradient.DType == output.DType ? gradient : gradient.To(output.DType);
    }
}
