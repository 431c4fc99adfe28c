/**
 * Container images of the pods this package writes, pinned so the output is the same on every run.
 * kube-vip: the v1.0 line (ghcr.io/kube-vip/kube-vip, see kube-vip.io/docs/installation/static/).
 * nginx: the official image's stable line, whose build includes the stream module (no load_module).
 */
export const KUBE_VIP_IMAGE = 'ghcr.io/kube-vip/kube-vip:v1.0.1';
export const NGINX_PROXY_IMAGE = 'docker.io/library/nginx:1.28.0-alpine';
