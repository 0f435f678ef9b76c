using Backprop;
using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;

// The usual PyTorch training loop: a dataset split into training and validation parts, a shuffling DataLoader,
// a model, an optimizer and a learning-rate scheduler stepped once per epoch.
Tensor.ManualSeed(0);

// 200 noisy samples of y = 2·x1 − 3·x2 + 0.5·x3 + 1.
var features = Tensor.Randn([200, 3]);
var trueWeight = Tensor.From(new[] { 2f, -3f, 0.5f });
var targets = (features.MatMul(trueWeight) + 1 + 0.1 * Tensor.Randn([200])).Unsqueeze(1);

var dataset = new TensorDataset(features, targets);
var generator = new Generator(42);   // one seeded generator: the same split and batch order on every run
var splits = Dataset.RandomSplit(dataset, [160, 40], generator);
var trainLoader = new DataLoader(splits[0], batchSize: 16, shuffle: true, generator: generator);
var validationLoader = new DataLoader(splits[1], batchSize: 40);

var model = new Sequential(new Linear(3, 16), new ReLU(), new Linear(16, 1));
var optimizer = new SGD(model.Parameters(), lr: 0.02, momentum: 0.9);
var scheduler = new StepLR(optimizer, stepSize: 4, gamma: 0.5);   // halve the learning rate every 4 epochs
var criterion = new MSELoss();

for (int epoch = 1; epoch <= 12; epoch++)
{
    model.Train();
    double trainLoss = 0;
    foreach (var (xb, yb) in trainLoader)   // each batch is [input, target], stacked along dim 0
    {
        var loss = criterion.Forward(model.Forward(xb), yb);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        trainLoss += loss.Item() * xb.Size(0);
    }

    model.Eval();
    double validationLoss = 0;
    using (Autograd.NoGrad())
        foreach (var (xb, yb) in validationLoader)
            validationLoss += criterion.Forward(model.Forward(xb), yb).Item() * xb.Size(0);

    double lr = scheduler.GetLastLr()[0];
    scheduler.Step();
    Console.WriteLine($"epoch {epoch,2}: lr {lr:F4}  train loss {trainLoss / splits[0].Count:F4}  validation loss {validationLoss / splits[1].Count:F4}");
}
