package lantern.subject.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.onnx.OnnxGraph;

import java.util.ArrayList;
import java.util.List;

/**
 * A BERT encoder's weights as NDArrays. Matrices are stored {@code [in, out]} (x · W), as the ONNX export has them.
 */
public record BertWeights(NDArray wordEmbeddings, NDArray positionEmbeddings, NDArray tokenTypeEmbeddings,
                          NDArray embedLnWeight, NDArray embedLnBias, List<Layer> layers) {

    public record Layer(NDArray wq, NDArray bq, NDArray wk, NDArray bk, NDArray wv, NDArray bv,
                        NDArray wo, NDArray bo, NDArray ln1Weight, NDArray ln1Bias,
                        NDArray w1, NDArray b1, NDArray w2, NDArray b2, NDArray ln2Weight, NDArray ln2Bias) {
    }

    /** Maps an ONNX export of a Hugging Face BERT (initializers by name, matrices through MatMul node names). */
    public static BertWeights fromOnnx(OnnxGraph g, NDManager m, int layers) {
        List<Layer> ls = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            String n = "/encoder/layer." + l + "/";
            ls.add(new Layer(
                    tensor(m, g.matMulWeight(n + "attention/self/query/MatMul")), tensor(m, g.initializer(p + "attention.self.query.bias")),
                    tensor(m, g.matMulWeight(n + "attention/self/key/MatMul")), tensor(m, g.initializer(p + "attention.self.key.bias")),
                    tensor(m, g.matMulWeight(n + "attention/self/value/MatMul")), tensor(m, g.initializer(p + "attention.self.value.bias")),
                    tensor(m, g.matMulWeight(n + "attention/output/dense/MatMul")), tensor(m, g.initializer(p + "attention.output.dense.bias")),
                    tensor(m, g.initializer(p + "attention.output.LayerNorm.weight")), tensor(m, g.initializer(p + "attention.output.LayerNorm.bias")),
                    tensor(m, g.matMulWeight(n + "intermediate/dense/MatMul")), tensor(m, g.initializer(p + "intermediate.dense.bias")),
                    tensor(m, g.matMulWeight(n + "output/dense/MatMul")), tensor(m, g.initializer(p + "output.dense.bias")),
                    tensor(m, g.initializer(p + "output.LayerNorm.weight")), tensor(m, g.initializer(p + "output.LayerNorm.bias"))));
        }
        return new BertWeights(
                tensor(m, g.initializer("embeddings.word_embeddings.weight")),
                tensor(m, g.initializer("embeddings.position_embeddings.weight")),
                tensor(m, g.initializer("embeddings.token_type_embeddings.weight")),
                tensor(m, g.initializer("embeddings.LayerNorm.weight")),
                tensor(m, g.initializer("embeddings.LayerNorm.bias")),
                List.copyOf(ls));
    }

    /** How many encoder layers an export holds (layers numbered from 0 without gaps). */
    public static int layerCount(OnnxGraph g) {
        int n = 0;
        while (g.initializers().containsKey("encoder.layer." + n + ".attention.self.query.bias")) n++;
        if (n == 0) throw new IllegalArgumentException("no BERT encoder layers in the ONNX graph");
        return n;
    }

    private static NDArray tensor(NDManager m, OnnxGraph.Tensor t) {
        return m.create(t.data(), new Shape(t.dims()));
    }
}
