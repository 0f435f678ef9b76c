using Backprop.Data;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments.FashionMnist;

/// <summary>
/// The four IDX files of an MNIST-format folder, read as fmnist_torch.py reads them: images as Float32 in [0, 1]
/// (byte / 255) with a channel dim, [N, 1, 28, 28]; labels as Int64 class indices 0..9.
/// </summary>
internal sealed record FashionMnistData(string Folder, Tensor TrainImages, Tensor TrainLabels, Tensor TestImages, Tensor TestLabels)
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    public const string InstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>The standard file names (LeCun's); each may also be gzipped with a .gz suffix.</summary>
    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    public const int ImageSize = 28;
    public const int Classes = 10;

    /// <summary>The path of one of the standard files in folder, raw or .gz; null when neither is there.</summary>
    public static string? Find(string folder, string fileName)
    {
        foreach (string candidate in new[] { fileName, fileName + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>
    /// Reads the folder (the default one when null); limit &gt; 0 keeps only the first limit training samples.
    /// Missing or malformed files are bad input (<see cref="LabInputException"/>), named, with the install command.
    /// </summary>
    public static FashionMnistData Load(string? folder, int limit)
    {
        string dir = folder ?? DefaultFolder;
        if (File.Exists(dir))
            throw new LabInputException($"--data: '{dir}' is a file; --data takes a folder with the four MNIST-format files ({string.Join(", ", FileNames)}, raw or .gz)");
        var paths = new string[FileNames.Length];
        var missing = new List<string>();
        for (int i = 0; i < FileNames.Length; i++)
        {
            paths[i] = Find(dir, FileNames[i]) ?? "";
            if (paths[i].Length == 0) missing.Add(FileNames[i] + "[.gz]");
        }
        if (missing.Count > 0)
        {
            string where = Directory.Exists(dir) ? $"{dir} lacks {string.Join(", ", missing)}" : $"{dir} does not exist";
            throw new LabInputException(
                $"fashion-mnist: no Fashion-MNIST data: {where}. Install Debian's data set with `{InstallCommand}` " +
                $"(it fills {DefaultFolder}), or give --data DIR, a folder with the four MNIST-format files " +
                $"({string.Join(", ", FileNames)}, raw or .gz)");
        }
        var trainImages = Images(paths[0]);
        var trainLabels = Labels(paths[1], trainImages.Shape[0]);
        var testImages = Images(paths[2]);
        var testLabels = Labels(paths[3], testImages.Shape[0]);
        if (limit > 0 && limit < trainImages.Shape[0])
        {
            // x[:limit], y[:limit] as fmnist_torch.py slices them; contiguous copies so that batches index a compact block.
            trainImages = trainImages.Narrow(0, 0, limit).Contiguous();
            trainLabels = trainLabels.Narrow(0, 0, limit).Contiguous();
        }
        return new FashionMnistData(dir, trainImages, trainLabels, testImages, testLabels);
    }

    /// <summary>An image file as [N, 1, 28, 28] Float32 in [0, 1].</summary>
    private static Tensor Images(string path)
    {
        Tensor images;
        try
        {
            images = Idx.ReadImages(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new LabInputException(Unreadable(path, e));
        }
        if (images.Dim != 3 || images.Shape[1] != ImageSize || images.Shape[2] != ImageSize)
            throw new LabInputException(
                $"fashion-mnist: {path}: expected images of {ImageSize}×{ImageSize} pixels, shape [N, {ImageSize}, {ImageSize}], got {ShapeText(images)} (the models take 28×28 inputs)");
        return images.Unsqueeze(1);
    }

    /// <summary>A label file: count Int64 labels in 0..9.</summary>
    private static Tensor Labels(string path, int count)
    {
        Tensor labels;
        try
        {
            labels = Idx.ReadLabels(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new LabInputException(Unreadable(path, e));
        }
        if (labels.Dim != 1 || labels.Shape[0] != count)
            throw new LabInputException($"fashion-mnist: {path}: expected {count} labels (one per image), got shape {ShapeText(labels)}");
        var values = labels.ToArray<long>();
        for (int i = 0; i < values.Length; i++)
            if (values[i] is < 0 or >= Classes)
                throw new LabInputException($"fashion-mnist: {path}: label {i} is {values[i]}, expected a class 0..{Classes - 1}");
        return labels;
    }

    /// <summary>The reader's message names the file already (IdX's "path: …"); other messages get it in front.</summary>
    private static string Unreadable(string path, Exception e) =>
        e.Message.StartsWith(path + ":", StringComparison.Ordinal) ? $"fashion-mnist: {e.Message}" : $"fashion-mnist: {path}: {e.Message}";

    private static string ShapeText(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";
}
