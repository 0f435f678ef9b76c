using System.Globalization;
using System.Text;

namespace Backprop.Seeds.Classification;

/// <summary>
/// The code panel: a C# program on Backprop and a PyTorch program that reproduce a configuration (the same data, split,
/// initial weights and training, call for call, as <see cref="ClassificationSession"/>) for a number of steps, and
/// print the numbers the page shows: "after N steps: train loss …, test loss …, test accuracy …".
/// </summary>
public static class ClassificationPrograms
{
    /// <summary>The C# program (top-level statements; a console project referencing the Backprop package).</summary>
    public static string CSharp(ClassificationSettings s, int steps)
    {
        ArgumentNullException.ThrowIfNull(s);
        s.Validate();
        var linears = LayerShapes(s);
        var c = new StringBuilder();
        c.AppendLine("// The classification playground's configuration in C# with Backprop (a console project referencing it).");
        c.AppendLine("using System.Globalization;");
        c.AppendLine("using Backprop;");
        c.AppendLine("using Backprop.NN;");
        c.AppendLine("using Backprop.Optim;");
        c.AppendLine();
        c.AppendLine(Inv($"const int n = {s.Points}, trainCount = {s.TrainCount}, steps = {steps}, batchSize = {s.BatchSize};"));
        c.AppendLine(s.Regularization == Regularization.None
            ? Inv($"const double noise = {D(s.Noise)}, lr = {D(s.LearningRate)};")
            : Inv($"const double noise = {D(s.Noise)}, lr = {D(s.LearningRate)}, lambda = {D(s.RegularizationRate)};"));
        c.AppendLine(Inv($"Tensor.ManualSeed({s.Seed});"));
        c.AppendLine("// Four uniforms per point, then the dataset's formula (as the playground draws it).");
        c.AppendLine("double[] u = Tensor.Rand([n, 4], DType.Float64).ToArray<double>();");
        c.AppendLine("var x1 = new double[n];");
        c.AppendLine("var x2 = new double[n];");
        c.AppendLine("var label = new float[n];");
        c.AppendLine("const int half = n / 2;");
        c.AppendLine("for (int i = 0; i < n; i++)");
        c.AppendLine("{");
        c.AppendLine("    double u0 = u[4 * i], u1 = u[4 * i + 1], u2 = u[4 * i + 2], u3 = u[4 * i + 3];");
        c.AppendLine("    bool first = i < half;");
        c.AppendLine("    float y = first ? 1 : 0;");
        switch (s.Dataset)
        {
            case Dataset.Circle:
                c.AppendLine("    double r = first ? 2.5 * u0 : 3.5 + 1.5 * u0, angle = 2 * Math.PI * u1;");
                c.AppendLine("    double a = r * Math.Cos(angle), b = r * Math.Sin(angle);");
                break;
            case Dataset.Xor:
                c.AppendLine("    double a = 10 * u0 - 5, b = 10 * u1 - 5;");
                c.AppendLine("    a += a > 0 ? 0.3 : -0.3;");
                c.AppendLine("    b += b > 0 ? 0.3 : -0.3;");
                c.AppendLine("    y = a * b > 0 ? 1 : 0;");
                break;
            case Dataset.Gauss:
                c.AppendLine("    double centre = first ? 2 : -2, spread = Math.Sqrt(0.5 + 7 * noise) * Math.Sqrt(-2 * Math.Log(1 - u0)), angle = 2 * Math.PI * u1;");
                c.AppendLine("    double a = centre + spread * Math.Cos(angle), b = centre + spread * Math.Sin(angle);");
                break;
            default:
                c.AppendLine("    double f = first ? (double)i / half : (double)(i - half) / (n - half);");
                c.AppendLine("    double r = 5 * f, t = 3.5 * Math.PI * f + (first ? 0 : Math.PI);");
                c.AppendLine("    double a = r * Math.Sin(t), b = r * Math.Cos(t);");
                break;
        }
        if (s.Dataset != Dataset.Gauss)
        {
            c.AppendLine(Inv($"    a += noise * {D(ClassificationData.NoiseAmplitude)} * (2 * u2 - 1);"));
            c.AppendLine(Inv($"    b += noise * {D(ClassificationData.NoiseAmplitude)} * (2 * u3 - 1);"));
        }
        c.AppendLine("    (x1[i], x2[i], label[i]) = (a, b, y);");
        c.AppendLine("}");
        c.AppendLine("long[] perm = Tensor.RandPerm(n).ToArray<long>();");
        c.AppendLine();
        c.AppendLine("// The input features of each point, float32.");
        c.AppendLine("Tensor Features(long[] rows)");
        c.AppendLine("{");
        c.AppendLine(Inv($"    var f = new float[rows.Length * {s.Features.Count}];"));
        c.AppendLine("    for (int r = 0; r < rows.Length; r++)");
        c.AppendLine("    {");
        c.AppendLine("        double a = x1[rows[r]], b = x2[rows[r]];");
        for (int k = 0; k < s.Features.Count; k++)
            c.AppendLine(Inv($"        f[r * {s.Features.Count} + {k}] = (float)({CSharpFeature(s.Features[k])});"));
        c.AppendLine("    }");
        c.AppendLine(Inv($"    return Tensor.From(f, rows.Length, {s.Features.Count});"));
        c.AppendLine("}");
        c.AppendLine("Tensor Labels(long[] rows) => Tensor.From(rows.Select(r => label[r]).ToArray());");
        c.AppendLine("var (xTrain, yTrain) = (Features(perm[..trainCount]), Labels(perm[..trainCount]));");
        c.AppendLine("var (xTest, yTest) = (Features(perm[trainCount..]), Labels(perm[trainCount..]));");
        c.AppendLine();
        for (int l = 0; l < linears.Count; l++)
            c.AppendLine(Inv($"var linear{l + 1} = new Linear({linears[l].In}, {linears[l].Out});"));
        var modules = new List<string>();
        for (int l = 0; l < linears.Count; l++)
        {
            modules.Add($"linear{l + 1}");
            if (l < linears.Count - 1 && CSharpActivation(s.Activation) is { } act) modules.Add(act);
        }
        c.AppendLine($"var model = new Sequential({string.Join(", ", modules)});");
        c.AppendLine("var optimizer = new SGD(model.Parameters(), lr: lr);");
        c.AppendLine("Tensor Objective(Tensor x, Tensor y)");
        c.AppendLine("{");
        c.AppendLine("    var loss = F.BinaryCrossEntropyWithLogits(model.Call(x).Squeeze(1), y);");
        if (s.Regularization != Regularization.None)
        {
            string term = s.Regularization == Regularization.L1 ? "Abs" : "Square";
            var terms = Enumerable.Range(1, linears.Count).Select(l => $"linear{l}.Weight.{term}().Sum()");
            c.AppendLine($"    return loss + ({string.Join(" + ", terms)}) * lambda;  // {(s.Regularization == Regularization.L1 ? "L1: λ·Σ|w|" : "L2: λ·Σw²")}");
        }
        else c.AppendLine("    return loss;");
        c.AppendLine("}");
        c.AppendLine();
        c.AppendLine("// One step: a pass over the training points in batches, one SGD update each.");
        c.AppendLine("for (int step = 0; step < steps; step++)");
        c.AppendLine("    for (int start = 0; start < trainCount; start += batchSize)");
        c.AppendLine("    {");
        c.AppendLine("        int length = Math.Min(batchSize, trainCount - start);");
        c.AppendLine("        var loss = Objective(xTrain.Narrow(0, start, length), yTrain.Narrow(0, start, length));");
        c.AppendLine("        optimizer.ZeroGrad();");
        c.AppendLine("        loss.Backward();");
        c.AppendLine("        optimizer.Step();");
        c.AppendLine("    }");
        c.AppendLine();
        c.AppendLine("using (Autograd.NoGrad())");
        c.AppendLine("{");
        c.AppendLine("    var trainLogits = model.Call(xTrain).Squeeze(1);");
        c.AppendLine("    var testLogits = model.Call(xTest).Squeeze(1);");
        c.AppendLine("    double trainLoss = F.BinaryCrossEntropyWithLogits(trainLogits, yTrain).Item();");
        c.AppendLine("    double testLoss = F.BinaryCrossEntropyWithLogits(testLogits, yTest).Item();");
        c.AppendLine("    float[] z = testLogits.ToArray<float>(), t = yTest.ToArray<float>();");
        c.AppendLine("    double accuracy = (double)z.Where((v, i) => (v > 0 ? 1f : 0f) == t[i]).Count() / z.Length;");
        c.AppendLine("    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, \"after {0} steps: train loss {1:G8}, test loss {2:G8}, test accuracy {3:G8}\", steps, trainLoss, testLoss, accuracy));");
        c.AppendLine("}");
        return c.ToString();
    }

    /// <summary>The PyTorch program (torch 1.13, python3).</summary>
    public static string Python(ClassificationSettings s, int steps)
    {
        ArgumentNullException.ThrowIfNull(s);
        s.Validate();
        var linears = LayerShapes(s);
        var p = new StringBuilder();
        p.AppendLine("# The classification playground's configuration in PyTorch.");
        p.AppendLine("import math");
        p.AppendLine("import torch");
        p.AppendLine("import torch.nn as nn");
        p.AppendLine("import torch.nn.functional as F");
        p.AppendLine();
        p.AppendLine(Inv($"n, train_count, steps, batch_size = {s.Points}, {s.TrainCount}, {steps}, {s.BatchSize}"));
        p.AppendLine(s.Regularization == Regularization.None
            ? Inv($"noise, lr = {Py(s.Noise)}, {Py(s.LearningRate)}")
            : Inv($"noise, lr, lam = {Py(s.Noise)}, {Py(s.LearningRate)}, {Py(s.RegularizationRate)}"));
        p.AppendLine(Inv($"torch.manual_seed({s.Seed})"));
        p.AppendLine("# Four uniforms per point, then the dataset's formula (as the playground draws it).");
        p.AppendLine("u = torch.rand(n, 4, dtype=torch.float64).tolist()");
        p.AppendLine("x1, x2, label = [0.0] * n, [0.0] * n, [0.0] * n");
        p.AppendLine("half = n // 2");
        p.AppendLine("for i in range(n):");
        p.AppendLine("    u0, u1, u2, u3 = u[i]");
        p.AppendLine("    first = i < half");
        p.AppendLine("    y = 1.0 if first else 0.0");
        switch (s.Dataset)
        {
            case Dataset.Circle:
                p.AppendLine("    r = 2.5 * u0 if first else 3.5 + 1.5 * u0");
                p.AppendLine("    angle = 2 * math.pi * u1");
                p.AppendLine("    a, b = r * math.cos(angle), r * math.sin(angle)");
                break;
            case Dataset.Xor:
                p.AppendLine("    a, b = 10 * u0 - 5, 10 * u1 - 5");
                p.AppendLine("    a += 0.3 if a > 0 else -0.3");
                p.AppendLine("    b += 0.3 if b > 0 else -0.3");
                p.AppendLine("    y = 1.0 if a * b > 0 else 0.0");
                break;
            case Dataset.Gauss:
                p.AppendLine("    centre = 2 if first else -2");
                p.AppendLine("    spread = math.sqrt(0.5 + 7 * noise) * math.sqrt(-2 * math.log(1 - u0))");
                p.AppendLine("    angle = 2 * math.pi * u1");
                p.AppendLine("    a, b = centre + spread * math.cos(angle), centre + spread * math.sin(angle)");
                break;
            default:
                p.AppendLine("    f = i / half if first else (i - half) / (n - half)");
                p.AppendLine("    r, t = 5 * f, 3.5 * math.pi * f + (0 if first else math.pi)");
                p.AppendLine("    a, b = r * math.sin(t), r * math.cos(t)");
                break;
        }
        if (s.Dataset != Dataset.Gauss)
        {
            p.AppendLine(Inv($"    a += noise * {Py(ClassificationData.NoiseAmplitude)} * (2 * u2 - 1)"));
            p.AppendLine(Inv($"    b += noise * {Py(ClassificationData.NoiseAmplitude)} * (2 * u3 - 1)"));
        }
        p.AppendLine("    x1[i], x2[i], label[i] = a, b, y");
        p.AppendLine("perm = torch.randperm(n).tolist()");
        p.AppendLine();
        p.AppendLine("def features(rows):");
        p.AppendLine("    # The input features of each point, float32.");
        p.AppendLine($"    return torch.tensor([[{string.Join(", ", s.Features.Select(PythonFeature))}] for a, b in ((x1[r], x2[r]) for r in rows)], dtype=torch.float32)");
        p.AppendLine();
        p.AppendLine("def labels(rows):");
        p.AppendLine("    return torch.tensor([label[r] for r in rows], dtype=torch.float32)");
        p.AppendLine();
        p.AppendLine("x_train, y_train = features(perm[:train_count]), labels(perm[:train_count])");
        p.AppendLine("x_test, y_test = features(perm[train_count:]), labels(perm[train_count:])");
        var modules = new List<string>();
        for (int l = 0; l < linears.Count; l++)
        {
            modules.Add(Inv($"nn.Linear({linears[l].In}, {linears[l].Out})"));
            if (l < linears.Count - 1 && PythonActivation(s.Activation) is { } act) modules.Add(act);
        }
        p.AppendLine($"model = nn.Sequential({string.Join(", ", modules)})");
        p.AppendLine("optimizer = torch.optim.SGD(model.parameters(), lr=lr)");
        p.AppendLine();
        p.AppendLine("def objective(x, y):");
        p.AppendLine("    loss = F.binary_cross_entropy_with_logits(model(x).squeeze(1), y)");
        if (s.Regularization != Regularization.None)
        {
            string term = s.Regularization == Regularization.L1 ? "abs()" : "square()";
            p.AppendLine($"    penalty = sum(m.weight.{term}.sum() for m in model if isinstance(m, nn.Linear))  # {(s.Regularization == Regularization.L1 ? "L1: λ·Σ|w|" : "L2: λ·Σw²")}");
            p.AppendLine("    return loss + penalty * lam");
        }
        else p.AppendLine("    return loss");
        p.AppendLine();
        p.AppendLine("# One step: a pass over the training points in batches, one SGD update each.");
        p.AppendLine("for step in range(steps):");
        p.AppendLine("    for start in range(0, train_count, batch_size):");
        p.AppendLine("        loss = objective(x_train[start:start + batch_size], y_train[start:start + batch_size])");
        p.AppendLine("        optimizer.zero_grad()");
        p.AppendLine("        loss.backward()");
        p.AppendLine("        optimizer.step()");
        p.AppendLine();
        p.AppendLine("with torch.no_grad():");
        p.AppendLine("    train_logits, test_logits = model(x_train).squeeze(1), model(x_test).squeeze(1)");
        p.AppendLine("    train_loss = F.binary_cross_entropy_with_logits(train_logits, y_train).item()");
        p.AppendLine("    test_loss = F.binary_cross_entropy_with_logits(test_logits, y_test).item()");
        p.AppendLine("    accuracy = ((test_logits > 0).float() == y_test).sum().item() / len(y_test)");
        p.AppendLine("print(f\"after {steps} steps: train loss {train_loss:.8g}, test loss {test_loss:.8g}, test accuracy {accuracy:.8g}\")");
        return p.ToString();
    }

    private static List<(int In, int Out)> LayerShapes(ClassificationSettings s)
    {
        var shapes = new List<(int, int)>();
        int width = s.Features.Count;
        foreach (int h in s.Hidden.Append(1))
        {
            shapes.Add((width, h));
            width = h;
        }
        return shapes;
    }

    private static string CSharpFeature(Feature f) => f switch
    {
        Feature.X1 => "a", Feature.X2 => "b", Feature.X1Squared => "a * a", Feature.X2Squared => "b * b",
        Feature.X1X2 => "a * b", Feature.SinX1 => "Math.Sin(a)", _ => "Math.Sin(b)",
    };

    private static string PythonFeature(Feature f) => f switch
    {
        Feature.X1 => "a", Feature.X2 => "b", Feature.X1Squared => "a * a", Feature.X2Squared => "b * b",
        Feature.X1X2 => "a * b", Feature.SinX1 => "math.sin(a)", _ => "math.sin(b)",
    };

    private static string? CSharpActivation(HiddenActivation a) => a switch
    {
        HiddenActivation.Tanh => "new Tanh()", HiddenActivation.Relu => "new ReLU()", HiddenActivation.Sigmoid => "new Sigmoid()", _ => null,
    };

    private static string? PythonActivation(HiddenActivation a) => a switch
    {
        HiddenActivation.Tanh => "nn.Tanh()", HiddenActivation.Relu => "nn.ReLU()", HiddenActivation.Sigmoid => "nn.Sigmoid()", _ => null,
    };

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    /// <summary>A double as a C# literal that reads back to the same value.</summary>
    private static string D(double v)
    {
        string r = v.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('.', StringComparison.Ordinal) || r.Contains('E', StringComparison.Ordinal) ? r : r + ".0";
    }
    private static string Py(double v) => D(v).Replace("E", "e", StringComparison.Ordinal);
}
