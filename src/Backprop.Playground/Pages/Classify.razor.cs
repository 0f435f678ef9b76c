using System.Diagnostics;
using System.Globalization;
using Backprop.Playground.Components;
using Backprop.Seeds.Classification;
using T = Backprop.Playground.Pages.ClassifyText;

namespace Backprop.Playground.Pages;

/// <summary>
/// Page 6: the classification playground's state and training loop. Any change of setting starts a new session (as
/// TensorFlow Playground does); Play trains in rounds of ten steps and redraws the boundary and the neurons' maps
/// after each round.
/// </summary>
public sealed partial class Classify
{
    private const double Plot = 300, Extent = 6;
    /// <summary>Grid cells per side of every map (boundary and neurons; the browser smooths the boundary's).</summary>
    private const int MapSize = 40;
    private const int StepsPerRedraw = 10;

    private static (string, string)[] Datasets => [("circle", T.Circle), ("xor", T.Xor), ("gauss", T.Gauss), ("spiral", T.Spiral)];
    private static (string, string)[] Activations => [("tanh", "tanh"), ("relu", "ReLU"), ("sigmoid", "sigmoid"), ("linear", T.Linear)];
    private static (string, string)[] Regularizations => [("none", T.None), ("l1", "L1"), ("l2", "L2")];

    private ClassificationSettings _settings = new();
    private ClassificationSession _session = null!;
    private bool _showTest;
    private int _stepsToRun = 100;
    private string? _message;
    private double? _speed;
    private bool _playing;
    private CancellationTokenSource? _play;

    private List<int> _units = [];
    private List<double[]> _weights = [];
    private List<double[]?> _grads = [];
    private List<IReadOnlyList<string>> _maps = [];
    private string _boundary = "";
    private (int Layer, int J, int I)? _selected;
    private ClassificationChainRule? _chain;

    protected override void OnInitialized()
    {
        var q = QueryState.Read(Nav);
        var d = new ClassificationSettings();
        var features = (q.String("feat") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(FeatureOf).Where(f => f is not null).Select(f => f!.Value).Distinct().ToList();
        var hidden = ParseHidden(q.String("layers"));
        _settings = d with
        {
            Dataset = DatasetOf(q.Choice("ds", Name(d.Dataset), Datasets.Select(x => x.Item1))),
            Points = (int)q.Number("n", d.Points, 10, 2000),
            Noise = q.Number("noise", d.Noise, 0, 0.5),
            TrainRatio = q.Number("ratio", d.TrainRatio, 0.1, 0.9),
            Seed = (int)q.Number("seed", d.Seed, 0, int.MaxValue),
            Features = features.Count > 0 ? features.Order().ToList() : d.Features,
            Hidden = hidden ?? d.Hidden,
            Activation = ActivationOf(q.Choice("act", Name(d.Activation), Activations.Select(x => x.Item1))),
            Regularization = RegularizationOf(q.Choice("reg", Name(d.Regularization), Regularizations.Select(x => x.Item1))),
            RegularizationRate = q.Number("rate", d.RegularizationRate, 0, 1),
            LearningRate = q.Number("lr", d.LearningRate, 0, 10),
            BatchSize = (int)q.Number("batch", d.BatchSize, 1, 2000),
        };
        // Whole numbers only (a shared link may say n=12.5): the fields' own rule.
        if (q.Number("n", d.Points, 10, 2000) % 1 != 0 || q.Number("batch", d.BatchSize, 1, 2000) % 1 != 0 || q.Number("seed", 0, 0, int.MaxValue) % 1 != 0)
            _settings = _settings with { Points = d.Points, BatchSize = d.BatchSize, Seed = d.Seed };
        _showTest = q.String("test") == "1";
        Rebuild(writeUrl: false);
    }

    /// <summary>"4,2" → [4, 2]; "0" or "" → no hidden layer; anything else null (the default stays).</summary>
    private static List<int>? ParseHidden(string? text)
    {
        if (text is null) return null;
        if (text is "" or "0") return [];
        var widths = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w is < 1 or > ClassificationSettings.MaxNeurons) return null;
            widths.Add(w);
        }
        return widths.Count <= ClassificationSettings.MaxHiddenLayers ? widths : null;
    }

    private void Change(ClassificationSettings settings)
    {
        _settings = settings;
        Rebuild();
    }

    private void SetHidden(List<int> hidden) => Change(_settings with { Hidden = hidden });

    private void Resize(int layer, int by)
    {
        var hidden = _settings.Hidden.ToList();
        hidden[layer] = Math.Clamp(hidden[layer] + by, 1, ClassificationSettings.MaxNeurons);
        SetHidden(hidden);
    }

    private void ToggleFeature(Feature f, bool on)
    {
        var features = _settings.Features.Where(x => x != f).ToList();
        if (on) features.Add(f);
        // The last feature's box is disabled; a tampered one changes nothing.
        if (features.Count == 0) return;
        Change(_settings with { Features = features.Order().ToList() });
    }

    /// <summary>A new session for the current settings: data, split and weights drawn afresh from the seed.</summary>
    private void Rebuild(bool writeUrl = true)
    {
        StopPlay();
        _session = new ClassificationSession(_settings);
        _message = null;
        _speed = null;
        _selected = null;
        _chain = null;
        _units = [_settings.Features.Count, .. _settings.Hidden, 1];
        Refresh();
        if (writeUrl) WriteUrl();
    }

    private void WriteUrl() => QueryState.Write(Nav, [
        ("ds", Name(_settings.Dataset)), ("n", QueryState.Format(_settings.Points)), ("noise", QueryState.Format(_settings.Noise)),
        ("ratio", QueryState.Format(_settings.TrainRatio)), ("seed", QueryState.Format(_settings.Seed)),
        ("feat", string.Join(",", _settings.Features.Select(FeatureKey))), ("layers", _settings.Hidden.Count == 0 ? "0" : string.Join(",", _settings.Hidden)),
        ("act", Name(_settings.Activation)), ("reg", Name(_settings.Regularization)), ("rate", QueryState.Format(_settings.RegularizationRate)),
        ("lr", QueryState.Format(_settings.LearningRate)), ("batch", QueryState.Format(_settings.BatchSize)), ("test", _showTest ? "1" : "0")]);

    /// <summary>Weights, gradients and maps read back from the session for drawing.</summary>
    private void Refresh()
    {
        _weights = _session.Layers.Select(l => l.Weight.ToDoubleArray()).ToList();
        _grads = _session.Layers.Select(l => l.Weight.Grad?.ToDoubleArray()).ToList();
        var maps = _session.UnitMaps(MapSize, Extent);
        _maps = [];
        for (int c = 0; c < maps.Length; c++)
        {
            int units = _units[c];
            bool output = c == maps.Length - 1;
            var scale = c == 0 ? Scale.ByMax
                : output || _settings.Activation == HiddenActivation.Sigmoid ? Scale.Probability
                : _settings.Activation == HiddenActivation.Tanh ? Scale.Unit : Scale.ByMax;
            _maps.Add(Enumerable.Range(0, units).Select(u => Image(maps[c], u, units, scale)).ToList());
        }
        _boundary = _maps[^1][0];
        if (_selected is { } s) _chain = ClassificationChainRule.Derive(_session, s.Layer, s.J, s.I);
    }

    private enum Scale { Unit, Probability, ByMax }

    private static string Image(float[] map, int unit, int units, Scale scale) => scale switch
    {
        Scale.Unit => HeatmapImage.DataUri(map, MapSize, unit, units),
        Scale.Probability => HeatmapImage.DataUri(map, MapSize, unit, units, scale: 2, offset: 0.5),
        _ => HeatmapImage.DataUri(map, MapSize, unit, units, scale: 1 / HeatmapImage.MaxAbs(map, unit, units)),
    };

    /// <summary>One training step; false (with the message) when training has diverged.</summary>
    private bool TrainStep()
    {
        if (!double.IsFinite(_session.TrainLosses[^1]) || !_session.Step())
        {
            _message = string.Format(CultureInfo.InvariantCulture, T.Diverged, R(_session.TrainLosses[^1]));
            return false;
        }
        return true;
    }

    private void StepOnce()
    {
        StopPlay();
        _message = null;
        TrainStep();
        Refresh();
    }

    private void RunSteps()
    {
        StopPlay();
        _message = null;
        for (int i = 0; i < _stepsToRun && TrainStep(); i++) { }
        Refresh();
    }

    private async Task TogglePlay()
    {
        if (_playing) { StopPlay(); return; }
        _playing = true;
        _message = null;
        _play = new CancellationTokenSource();
        var token = _play.Token;
        var clock = Stopwatch.StartNew();
        int start = _session.Steps;
        try
        {
            while (!token.IsCancellationRequested)
            {
                bool ok = true;
                for (int i = 0; i < StepsPerRedraw && ok; i++) ok = TrainStep();
                Refresh();
                _speed = (_session.Steps - start) / clock.Elapsed.TotalSeconds;
                if (!ok) { StopPlay(); break; }
                StateHasChanged();
                await Task.Delay(1, token);
            }
        }
        catch (TaskCanceledException) { }
    }

    private void StopPlay()
    {
        _playing = false;
        _play?.Cancel();
        _play = null;
    }

    private void Select((int Layer, int J, int I) edge)
    {
        StopPlay();
        _selected = edge;
        _chain = ClassificationChainRule.Derive(_session, edge.Layer, edge.J, edge.I);
    }

    private double Px(double x1) => (x1 + Extent) / (2 * Extent) * Plot;
    private double Py(double x2) => (Extent - x2) / (2 * Extent) * Plot;
    private string PointColour(int i) => HeatmapImage.Css(_session.Data.Labels[i] == 1 ? 1 : -1);

    private static string Name(Dataset d) => d switch { Dataset.Xor => "xor", Dataset.Gauss => "gauss", Dataset.Spiral => "spiral", _ => "circle" };
    private static Dataset DatasetOf(string v) => v switch { "xor" => Dataset.Xor, "gauss" => Dataset.Gauss, "spiral" => Dataset.Spiral, _ => Dataset.Circle };
    private static string Name(HiddenActivation a) => a switch { HiddenActivation.Relu => "relu", HiddenActivation.Sigmoid => "sigmoid", HiddenActivation.Linear => "linear", _ => "tanh" };
    private static HiddenActivation ActivationOf(string v) => v switch { "relu" => HiddenActivation.Relu, "sigmoid" => HiddenActivation.Sigmoid, "linear" => HiddenActivation.Linear, _ => HiddenActivation.Tanh };
    private static string Name(Regularization r) => r switch { Regularization.L1 => "l1", Regularization.L2 => "l2", _ => "none" };
    private static Regularization RegularizationOf(string v) => v switch { "l1" => Regularization.L1, "l2" => Regularization.L2, _ => Regularization.None };

    private static string FeatureKey(Feature f) => f switch
    {
        Feature.X1 => "x1", Feature.X2 => "x2", Feature.X1Squared => "x1sq", Feature.X2Squared => "x2sq",
        Feature.X1X2 => "x1x2", Feature.SinX1 => "sinx1", _ => "sinx2",
    };

    private static Feature? FeatureOf(string key) => Enum.GetValues<Feature>().Select(f => (Feature?)f).FirstOrDefault(f => FeatureKey(f!.Value) == key);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => StopPlay();
}
