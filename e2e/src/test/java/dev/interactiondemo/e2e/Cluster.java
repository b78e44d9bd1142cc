package dev.interactiondemo.e2e;

import java.nio.file.Path;
import java.util.List;

/** A Kubernetes cluster the suite runs against, and how images reach its nodes. */
interface Cluster extends AutoCloseable {
    String describe();

    /** The admin kubeconfig, as YAML. */
    String kubeconfig();

    /** Makes the images in these tars (docker save / Jib tar format) runnable with imagePullPolicy IfNotPresent. */
    void loadImages(List<Path> tars);

    @Override
    void close();
}
