namespace Backprop.NN;

// Module hooks, as torch.nn.Module's: forward pre-hooks and forward hooks run around Forward when the module is
// called through Call (PyTorch's module(x)); full backward hooks see the gradients with respect to the module's
// input and output. Hooks run in registration order; a handle removes one. Registering and removing hooks is not
// thread-safe: do it while no other thread uses the module.
public abstract partial class Module
{
    private List<Func<Module, object?[], object?[]?>>? _forwardPreHooks;
    private List<Func<Module, object?[], object?, object?>>? _forwardHooks;
    private List<Func<Module, Tensor?[], Tensor?[], Tensor?[]?>>? _backwardHooks;

    /// <summary>True when a hook is registered: Call then takes the slower path that runs them.</summary>
    private protected bool HasHooks => _forwardPreHooks is { Count: > 0 } || _forwardHooks is { Count: > 0 } || _backwardHooks is { Count: > 0 };

    /// <summary>
    /// Registers hook(module, inputs) to run before Forward on every <c>Call</c>; it may return replacement inputs
    /// (the same number), or null to keep them. Dispose the handle to remove it. Like module.register_forward_pre_hook.
    /// </summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module, object?[], object?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RemovableHandle.Add(_forwardPreHooks ??= [], hook);
    }

    /// <summary>
    /// Registers hook(module, inputs, output) to run after Forward on every <c>Call</c>; it may return a replacement
    /// output, or null to keep it. Like module.register_forward_hook.
    /// </summary>
    public RemovableHandle RegisterForwardHook(Func<Module, object?[], object?, object?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RemovableHandle.Add(_forwardHooks ??= [], hook);
    }

    /// <summary>
    /// Registers hook(module, gradInput, gradOutput), called during backward once the gradients with respect to the
    /// module's tensor inputs are computed (null for an input that needs none); it may return replacement input
    /// gradients, or null to keep them. The module's output and input are then seen by autograd through identity
    /// nodes named BackwardHookFunctionBackward, as in PyTorch. Works for modules whose inputs are tensors and whose
    /// output is one tensor. Like module.register_full_backward_hook.
    /// </summary>
    public RemovableHandle RegisterFullBackwardHook(Func<Module, Tensor?[], Tensor?[], Tensor?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RemovableHandle.Add(_backwardHooks ??= [], hook);
    }

    /// <summary>Runs the pre-hooks, Forward (forward) and the forward hooks on inputs, setting up the backward hooks; what Call does.</summary>
    private protected object? CallWithHooks(object?[] inputs, Func<object?[], object?> forward)
    {
        if (_forwardPreHooks is { Count: > 0 } preHooks)
            foreach (var hook in preHooks.ToArray())
                if (hook(this, inputs) is { } replaced)
                {
                    if (replaced.Length != inputs.Length)
                        throw new InvalidOperationException(
                            $"{GetType().Name}: a forward pre-hook returned {replaced.Length} inputs; the module takes {inputs.Length}");
                    inputs = replaced;
                }

        BackwardHookState? backward = null;
        if (_backwardHooks is { Count: > 0 } backwardHooks && GradMode.IsEnabled)
        {
            backward = new BackwardHookState(this, backwardHooks.ToArray(), inputs.Length);
            inputs = backward.WrapInputs(inputs);
        }

        var output = forward(inputs);

        if (_forwardHooks is { Count: > 0 } forwardHooks)
            foreach (var hook in forwardHooks.ToArray())
                output = hook(this, inputs, output) ?? output;

        return backward is null ? output : backward.WrapOutput(output);
    }

    /// <summary>
    /// One call's backward hooks: an identity node on the output catches the output gradient, one on the inputs that
    /// require grad (a multi-output function, so that their gradients arrive together) the input gradients, at which
    /// point the hooks run (PyTorch's torch.utils.hooks.BackwardHook).
    /// </summary>
    private sealed class BackwardHookState(Module module, Func<Module, Tensor?[], Tensor?[], Tensor?[]?>[] hooks, int inputCount)
    {
        private Tensor?[]? _gradOutputs;
        private int[] _wrapped = [];

        public object?[] WrapInputs(object?[] inputs)
        {
            var differentiable = new List<int>();
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] is not Tensor t)
                    throw new NotSupportedException(
                        $"{module.GetType().Name}: full backward hooks need tensor inputs; input {i} is {inputs[i]?.GetType().Name ?? "null"}");
                if (t.RequiresGrad) differentiable.Add(i);
            }
            _wrapped = [.. differentiable];
            if (_wrapped.Length == 0) return inputs;
            var tensors = _wrapped.Select(i => (Tensor)inputs[i]!).ToArray();
            // One input: a one-output identity, so that the graph is PyTorch's (its next function is the input's node).
            var identities = tensors.Length == 1
                ? [new BackwardHookIdentity(grads => OnInputGradients(grads)).Apply(tensors[0])]
                : new BackwardHookFunction(OnInputGradients).Apply(tensors);
            var result = (object?[])inputs.Clone();
            for (int j = 0; j < _wrapped.Length; j++) result[_wrapped[j]] = identities[j];
            return result;
        }

        public object? WrapOutput(object? output)
        {
            if (output is not Tensor t)
                throw new NotSupportedException($"{module.GetType().Name}: full backward hooks need a module whose output is one tensor");
            if (!t.RequiresGrad) return output;
            return new BackwardHookIdentity(grads => OnOutputGradient(grads[0])).Apply(t);
        }

        private Tensor?[]? OnOutputGradient(Tensor grad)
        {
            _gradOutputs = [grad];
            if (_wrapped.Length > 0) return null;
            // No input requires grad: the hooks run now, with no input gradients, and may not return any (as PyTorch).
            foreach (var hook in hooks)
                if (hook(module, new Tensor?[inputCount], _gradOutputs) is not null)
                    throw new InvalidOperationException(
                        $"{module.GetType().Name}: a backward hook can't return input gradients when no input requires grad");
            return null;
        }

        private Tensor?[]? OnInputGradients(Tensor[] grads)
        {
            var gradInputs = new Tensor?[inputCount];
            for (int j = 0; j < _wrapped.Length; j++) gradInputs[_wrapped[j]] = grads[j];
            foreach (var hook in hooks)
            {
                if (hook(module, gradInputs, _gradOutputs ?? [null]) is not { } replaced) continue;
                if (replaced.Length != inputCount)
                    throw new InvalidOperationException(
                        $"{module.GetType().Name}: a backward hook returned {replaced.Length} input gradients; the module has {inputCount} inputs");
                gradInputs = replaced;
            }
            return [.. _wrapped.Select(i => gradInputs[i])];
        }
    }

    /// <summary>
    /// The identity over one or more tensors whose backward hands their gradients (all at once) to a callback that
    /// may replace them; its nodes are named as PyTorch's.
    /// </summary>
    private sealed class BackwardHookFunction(Func<Tensor[], Tensor?[]?> onGradients) : MultiOutputFunction
    {
        public override string Name => "BackwardHookFunctionBackward";

        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs) => inputs;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor[] gradOutputs) => onGradients(gradOutputs) ?? gradOutputs;
    }

    /// <summary>The one-tensor form of <see cref="BackwardHookFunction"/>.</summary>
    private sealed class BackwardHookIdentity(Func<Tensor[], Tensor?[]?> onGradients) : Function
    {
        public override string Name => "BackwardHookFunctionBackward";

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => onGradients([gradOutput]) ?? [gradOutput];
    }
}

/// <summary>Removes a module hook when disposed; like torch.utils.hooks.RemovableHandle.</summary>
public sealed class RemovableHandle : IDisposable
{
    private readonly Action _remove;

    private RemovableHandle(Action remove) => _remove = remove;

    internal static RemovableHandle Add<T>(List<T> hooks, T hook) where T : class
    {
        hooks.Add(hook);
        return new RemovableHandle(() => hooks.Remove(hook));
    }

    /// <summary>Unregisters the hook (again: nothing); like handle.remove().</summary>
    public void Dispose() => _remove();
}
