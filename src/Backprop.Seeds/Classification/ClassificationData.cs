namespace Backprop.Seeds.Classification;

/// <summary>
/// The points of one configuration: (x1, x2) in about [−6, 6]², a label 0 or 1, and the split into training and test
/// points. Drawn from a generator as the code panel's programs draw them after torch.manual_seed(seed):
/// <c>torch.rand(n, 4, dtype=torch.float64)</c> (four uniforms per point), then <c>torch.randperm(n)</c> for the split.
/// Point i of n (half = n / 2; class 1 for i &lt; half, class 0 after, except XOR whose class is its quadrant):
/// <list type="bullet">
/// <item>circle: radius 2.5·u0 (class 1) or 3.5 + 1.5·u0 (class 0), angle 2π·u1;</item>
/// <item>XOR: x1 = 10·u0 − 5, x2 = 10·u1 − 5, each pushed 0.3 off its axis; class 1 where x1·x2 &gt; 0;</item>
/// <item>Gauss: centre (2, 2) or (−2, −2), Box-Muller normals of variance 0.5 + 7·noise;</item>
/// <item>spiral: r = 5f, t = 3.5π·f (+π for class 0) with f = j / m the point's place in its class, (r sin t, r cos t);</item>
/// </list>
/// then (except Gauss) noise·3·(2·u − 1) added to x1 with u2 and to x2 with u3.
/// </summary>
public sealed class ClassificationData
{
    /// <summary>The noise's reach: at noise 0.5 a coordinate moves by up to ±1.5.</summary>
    public const double NoiseAmplitude = 3;

    public required double[] X1 { get; init; }
    public required double[] X2 { get; init; }
    /// <summary>0 or 1 for each point.</summary>
    public required float[] Labels { get; init; }
    /// <summary>The training points' indices, in the order training visits them (the first TrainCount of randperm(n)).</summary>
    public required int[] Train { get; init; }
    /// <summary>The test points' indices (the rest of randperm(n)).</summary>
    public required int[] Test { get; init; }

    public int Count => X1.Length;

    /// <summary>The points of these settings, drawn from the generator (which moves on, as torch's does).</summary>
    public static ClassificationData Generate(ClassificationSettings settings, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        int n = settings.Points, half = n / 2;
        double[] u = Tensor.Rand([n, 4], DType.Float64, generator).ToArray<double>();
        var x1 = new double[n];
        var x2 = new double[n];
        var labels = new float[n];
        double nu = settings.Noise;
        for (int i = 0; i < n; i++)
        {
            double u0 = u[4 * i], u1 = u[4 * i + 1], u2 = u[4 * i + 2], u3 = u[4 * i + 3];
            bool first = i < half;
            double x, y;
            float label = first ? 1 : 0;
            switch (settings.Dataset)
            {
                case Dataset.Circle:
                {
                    double r = first ? 2.5 * u0 : 3.5 + 1.5 * u0;
                    double angle = 2 * Math.PI * u1;
                    x = r * Math.Cos(angle);
                    y = r * Math.Sin(angle);
                    break;
                }
                case Dataset.Xor:
                    x = 10 * u0 - 5;
                    y = 10 * u1 - 5;
                    x += x > 0 ? 0.3 : -0.3;
                    y += y > 0 ? 0.3 : -0.3;
                    label = x * y > 0 ? 1 : 0;
                    break;
                case Dataset.Gauss:
                {
                    double c = first ? 2 : -2;
                    double spread = Math.Sqrt(0.5 + 7 * nu) * Math.Sqrt(-2 * Math.Log(1 - u0));
                    double angle = 2 * Math.PI * u1;
                    x = c + spread * Math.Cos(angle);
                    y = c + spread * Math.Sin(angle);
                    break;
                }
                default:
                {
                    double f = first ? (double)i / half : (double)(i - half) / (n - half);
                    double r = 5 * f;
                    double t = 3.5 * Math.PI * f + (first ? 0 : Math.PI);
                    x = r * Math.Sin(t);
                    y = r * Math.Cos(t);
                    break;
                }
            }
            if (settings.Dataset != Dataset.Gauss)
            {
                x += nu * NoiseAmplitude * (2 * u2 - 1);
                y += nu * NoiseAmplitude * (2 * u3 - 1);
            }
            (x1[i], x2[i], labels[i]) = (x, y, label);
        }
        long[] perm = Tensor.RandPerm(n, generator).ToArray<long>();
        int train = settings.TrainCount;
        return new ClassificationData
        {
            X1 = x1, X2 = x2, Labels = labels,
            Train = perm[..train].Select(p => (int)p).ToArray(),
            Test = perm[train..].Select(p => (int)p).ToArray(),
        };
    }

    /// <summary>One feature of a point, as the programs compute it (in double, then stored as float32).</summary>
    public static double FeatureValue(Feature feature, double x1, double x2) => feature switch
    {
        Feature.X1 => x1,
        Feature.X2 => x2,
        Feature.X1Squared => x1 * x1,
        Feature.X2Squared => x2 * x2,
        Feature.X1X2 => x1 * x2,
        Feature.SinX1 => Math.Sin(x1),
        _ => Math.Sin(x2),
    };

    /// <summary>The feature rows [indices.Length, features.Count] of the given points, float32, row-major.</summary>
    public static float[] FeatureRows(IReadOnlyList<Feature> features, IReadOnlyList<double> x1, IReadOnlyList<double> x2, IReadOnlyList<int>? indices = null)
    {
        int count = indices?.Count ?? x1.Count, f = features.Count;
        var rows = new float[count * f];
        for (int r = 0; r < count; r++)
        {
            int i = indices is null ? r : indices[r];
            for (int k = 0; k < f; k++) rows[r * f + k] = (float)FeatureValue(features[k], x1[i], x2[i]);
        }
        return rows;
    }
}
