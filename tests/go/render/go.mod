module clusterspec.test/render

go 1.19
