using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Lab.Texts;
using Backprop.Seeds.Texts;
using Backprop.Tests.Shared;

namespace Backprop.Lab.Tests;

/// <summary>
/// The lab in Chinese (issue 17): every text in both languages, --lang on every experiment, the same numbers in both,
/// no English left in the Chinese report, and the JSON unchanged by the language.
/// </summary>
public sealed partial class LocalisationTests
{
    /// <summary>Texts that are formulas or code names, the same in every language.</summary>
    private static readonly HashSet<string> SameInEveryLanguage = [nameof(LabText.RegressionModule), nameof(LabText.FmnistProgress), nameof(LabText.CharLmProgress)];

    [Fact]
    public void Every_lab_text_is_translated_with_the_same_placeholders()
    {
        var problems = ResourceCompleteness.Problems(LabText.ResourceManager, SameInEveryLanguage);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(ResourceCompleteness.Texts(LabText.ResourceManager, CultureInfo.InvariantCulture).Count > 200);
    }

    [Fact]
    public void Every_seed_text_is_translated_with_the_same_placeholders()
    {
        var problems = ResourceCompleteness.Problems(SeedText.ResourceManager, new HashSet<string>());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_completeness_check_catches_a_missing_translation_and_a_changed_placeholder()
    {
        Assert.Equal(["{0}", "{1:F2}"], ResourceCompleteness.Placeholders("{1:F2} and {0} {{not}}"));
        Assert.NotEqual(ResourceCompleteness.Placeholders("loss {0} at {1}"), ResourceCompleteness.Placeholders("损失 {0}"));
        // A resource set with a key the translation lacks: the lab's own English set against the seeds' Chinese one.
        var english = ResourceCompleteness.Texts(LabText.ResourceManager, CultureInfo.InvariantCulture);
        var chinese = ResourceCompleteness.Texts(SeedText.ResourceManager, CultureInfo.GetCultureInfo("zh-CN"));
        Assert.NotEmpty(english.Keys.Except(chinese.Keys));
    }

    [Fact]
    public void The_fashion_mnist_class_names_are_the_models_in_both_languages()
    {
        var names = Backprop.Lab.Experiments.FashionMnist.FashionMnistModels.ClassNames;
        Assert.Equal(names, LabText.ResourceManager.GetString(nameof(LabText.FmnistClassNames), CultureInfo.InvariantCulture)!.Split('|'));
        var chinese = LabText.ResourceManager.GetString(nameof(LabText.FmnistClassNames), CultureInfo.GetCultureInfo("zh-CN"))!.Split('|');
        Assert.Equal(names.Length, chinese.Length);
        Assert.Equal("T恤/上衣", chinese[0]);
        Assert.Equal("短靴", chinese[9]);
    }

    [Theory]
    [InlineData("zh_CN.UTF-8", "zh-CN")]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh_TW.UTF-8", "zh-CN")]
    [InlineData("zh", "zh-CN")]
    [InlineData("en_US.UTF-8", "en")]
    [InlineData("en", "en")]
    [InlineData("C.UTF-8", null)]
    [InlineData("POSIX", null)]
    [InlineData("de_DE.UTF-8", null)]
    [InlineData("", null)]
    public void A_locale_name_picks_a_supported_language(string name, string? expected) =>
        Assert.Equal(expected, Language.Match(name));

    /// <summary>The numbers of a text: decimals and exponents, the computed values (not "seed 003" or "w1").</summary>
    private static List<string> Numbers(string text) =>
        DataNumber().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"(?<![\w.])-?\d+\.\d+(E[+-]\d+)?|(?<![\w.])-?\d+E[+-]\d+")]
    private static partial Regex DataNumber();

    /// <summary>Words of four or more Latin letters in the Chinese output that are not code: what was left untranslated.</summary>
    private static List<string> EnglishWords(string text)
    {
        // Command and option names, file names, identifiers from the code, library names and the library's own error
        // messages (PyTorch's texts, as the seeds quote them).
        string[] code =
        [
            "sigmoid", "Sigmoid", "relu", "ReLU", "tanh", "torch", "rand", "manual_seed", "softmax", "tensor", "Tensor", "float", "half",
            "cross", "entropy", "Adam", "MSELoss", "Linear", "bias", "False", "DiyModel", "PyTorch", "y_pred", "grad_mse", "grad_sigmoid",
            "grad_wij", "dloss", "do_i", "din_o", "din_h", "in_o", "in_h", "out_h", "two", "layer", "manual", "autograd", "three",
            "linear", "regression", "graph", "broadcast", "sweep", "lab_torch", "json", "help", "dotnet", "project", "Backprop", "REPORT",
            "explain", "loss", "losses", "curves", "init", "epochs", "output", "digraph", "node", "style", "filled", "fillcolor",
            "fontname", "fontsize", "Helvetica", "label", "data", "ndata", "ngrad", "MulBackward", "AddBackward", "shape", "shapes",
            "size", "must", "match", "singleton", "dimension", "Graphviz", "graphviz", "install", "backprop",
        ];
        text = Regex.Replace(text, @"[^\s(（：]+\.(png|svg|dot|md)\b", "");   // file names and paths
        return Regex.Matches(text, "[A-Za-z][A-Za-z_]{3,}").Select(m => m.Value)
            .Where(w => !code.Contains(w) && !w.StartsWith("lab", StringComparison.Ordinal)).Distinct().ToList();
    }

    [Fact]
    public void Two_layer_explain_in_Chinese_has_the_English_numbers_and_the_seeds_vocabulary()
    {
        var en = Lab.Run("two-layer", "--explain", "--lang", "en", "--epochs", "3", "--plot", Path.Combine(Path.GetTempPath(), $"bp-{Guid.NewGuid():N}.png"));
        var zh = Lab.Run("two-layer", "--explain", "--lang", "zh-CN", "--epochs", "3", "--plot", Path.Combine(Path.GetTempPath(), $"bp-{Guid.NewGuid():N}.png"));
        Assert.Equal(0, en.ExitCode);
        Assert.Equal(0, zh.ExitCode);
        var numbers = Numbers(en.Stdout);
        Assert.True(numbers.Count > 80, $"only {numbers.Count} numbers in the English run");
        Assert.Equal(numbers, Numbers(zh.Stdout));
        foreach (var word in new[] { "前向传播", "反向传播", "链式法则", "学习率", "权重", "损失" }) Assert.Contains(word, zh.Stdout);
        Assert.Contains("forward", en.Stdout);
        Assert.Contains("backward: the chain rule", en.Stdout);
        Assert.Empty(EnglishWords(zh.Stdout));
    }

    [Fact]
    public void All_in_Chinese_writes_a_Chinese_report_with_the_English_numbers()
    {
        using var enDir = new TempDir();
        using var zhDir = new TempDir();
        var en = Lab.Run("all", "--lang", "en", "--out", enDir.Path);
        var zh = Lab.Run("all", "--lang", "zh-CN", "--out", zhDir.Path);
        Assert.Equal(0, en.ExitCode);
        Assert.Equal(0, zh.ExitCode);
        string enReport = File.ReadAllText(enDir.File("REPORT.md")), zhReport = File.ReadAllText(zhDir.File("REPORT.md"));

        var numbers = Numbers(enReport);
        Assert.True(numbers.Count > 300, $"only {numbers.Count} numbers in the English report");
        Assert.Equal(numbers, Numbers(zhReport));
        Assert.Equal(Numbers(en.Stdout.Replace(enDir.Path, "")), Numbers(zh.Stdout.Replace(zhDir.Path, "")));

        Assert.StartsWith("# Backprop 实验报告", zhReport, StringComparison.Ordinal);
        foreach (var heading in new[] { "## 种子 003 作业题解答", "### 哪个梯度是正确的，为什么（第 2～4 题）", "### 交叉熵（第 8 题）", "**结论：**" })
            Assert.Contains(heading, zhReport);
        foreach (var word in new[] { "反向传播", "链式法则", "梯度", "学习率", "损失函数", "权重", "自动求导", "有限差分" })
            Assert.Contains(word, zhReport);
        Assert.Empty(EnglishWords(zhReport));
        Assert.Empty(EnglishWords(zh.Stdout.Replace(zhDir.Path, "")));
        // The same pictures, by the same file names.
        Assert.Equal(Directory.GetFiles(enDir.Path).Select(Path.GetFileName).Order(), Directory.GetFiles(zhDir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Json_is_the_same_in_every_language()
    {
        using var dir = new TempDir();
        // `all --json` holds every experiment's record (two-layer, manual-vs-autograd with its verdict, … sweep).
        foreach (var experiment in new[] { "all", "two-layer", "broadcast" })
        {
            string en = Lab.Run(experiment, "--json", "--lang", "en", "--out", dir.Path).Json().GetRawText();
            string zh = Lab.Run(experiment, "--json", "--lang", "zh-CN", "--out", dir.Path).Json().GetRawText();
            Assert.Equal(en, zh);
        }
        // The verdict is a JSON field: English in both.
        Assert.StartsWith("the first hand-derived formulas",
            Lab.Run("manual-vs-autograd", "--json", "--lang", "zh-CN").Json().GetProperty("verdict").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_experiment_takes_lang_and_refuses_an_unknown_one()
    {
        var root = Backprop.Lab.Cli.LabCommandLine.Build(new Backprop.Lab.Cli.LabIo(TextWriter.Null, TextWriter.Null));
        foreach (var command in root.Subcommands)
            Assert.Contains(command.Options, o => o.Name == "--lang");
        var bad = Lab.Run("graph", "--lang", "fr");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--lang", bad.Stderr);
    }

    [Fact]
    public void Help_describes_the_options_in_the_language_asked_for()
    {
        var zh = Lab.Run("two-layer", "--help", "--lang", "zh-CN");
        Assert.Equal(0, zh.ExitCode);
        Assert.Contains("种子 000/003：2-2-2 网络", zh.Stdout);
        Assert.Contains("输出前向传播的每个值，以及每个权重代入数值的链式法则乘积", zh.Stdout);
        Assert.Contains("学习率", zh.Stdout);
        var en = Lab.Run("two-layer", "--help", "--lang=en");
        Assert.Contains("print every forward value and each weight's chain-rule product with its numbers", en.Stdout);
        Assert.DoesNotContain("链式法则", en.Stdout);
        Assert.Contains("不指定实验时运行全部实验", Lab.Run("--help", "--lang", "zh-CN").Stdout);
    }

    [Fact]
    public void The_language_is_restored_after_a_run()
    {
        var before = CultureInfo.CurrentUICulture;
        Lab.Run("graph", "--lang", "zh-CN", "--out", Path.Combine(Path.GetTempPath(), $"bp-{Guid.NewGuid():N}"));
        Assert.Equal(before, CultureInfo.CurrentUICulture);
    }

    [Fact]
    public void Without_lang_the_lab_speaks_the_language_of_LANG()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Backprop.Lab.dll");
        string Run(string lang)
        {
            var start = new ProcessStartInfo("dotnet", [dll, "graph", "--out", Path.Combine(Path.GetTempPath(), $"bp-{Guid.NewGuid():N}")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment.Remove("LC_ALL");
            start.Environment.Remove("LC_MESSAGES");
            start.Environment["LANG"] = lang;
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
            return output;
        }
        Assert.Contains("前向计算", Run("zh_CN.UTF-8"));
        Assert.Contains("forward: u = b·c", Run("en_US.UTF-8"));
        Assert.Contains("forward: u = b·c", Run("C.UTF-8"));
    }
}
