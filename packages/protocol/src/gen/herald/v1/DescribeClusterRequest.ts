// Original file: proto/herald/v1/admin.proto


export interface DescribeClusterRequest {
}

export interface DescribeClusterRequest__Output {
}
