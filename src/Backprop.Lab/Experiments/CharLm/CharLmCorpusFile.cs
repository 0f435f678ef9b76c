using System.Text;
using Backprop.Lab.Cli;
using Backprop.Seeds.CharLm;

namespace Backprop.Lab.Experiments.CharLm;

/// <summary>The --corpus argument read into a <see cref="CharLmCorpus"/>, its failures as the lab's input errors.</summary>
internal static class CharLmCorpusFile
{
    public static CharLmCorpus Load(string name)
    {
        string path = CharLmCorpus.PathOf(name);
        try
        {
            return CharLmCorpus.Load(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string hint = name.Contains('/') ? "" : $" (install Debian's {(name == "fortunes" ? "fortunes" : "fortunes-zh")} package for the built-in corpora)";
            throw new LabInputException($"--corpus: cannot read {path}: {e.Message}{hint}");
        }
        catch (DecoderFallbackException e)
        {
            throw new LabInputException($"--corpus: {path} is not UTF-8 text: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new LabInputException($"--corpus: {e.Message}");
        }
    }
}
